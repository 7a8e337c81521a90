import assert from "node:assert/strict";
import { DISPLAY } from "../../lib/mod.ts";
import { compareRuns, History } from "../../lib/train/mod.ts";

function run(mious: number[]): History {
  const h = new History();
  mious.forEach((m, i) => {
    const iter = (i + 1) * 10;
    h.push({ iter, lr: 0.01, loss: 1 / iter });
    h.addEval(iter, { mIoU: m, acc: 0.9, kappa: m - 0.1, "IoU.background": 0.9, "IoU.road": 2 * m - 0.9 });
  });
  return h;
}

Deno.test("compareRuns: best and final scores per run, and mIoU against iteration", async () => {
  const c = compareRuns({ CE: run([0.5, 0.6, 0.58]), "CE + Lovász": { history: run([0.55, 0.7]) } });
  assert.deepEqual(c.table.array("run"), ["CE", "CE + Lovász"]);
  assert.deepEqual(c.table.array("best_mIoU"), [0.6, 0.7]);
  assert.deepEqual(c.table.array("best_iter"), [20, 20]);
  assert.deepEqual(c.table.array("final_mIoU"), [0.58, 0.7]);
  assert.ok(Math.abs((c.table.array("IoU.road") as number[])[1] - 0.5) < 1e-12);
  const fig = c.plot();
  assert.ok(fig.svg.includes("CE + Lovász") && fig.svg.includes("validation mIoU"));
  const b = await c[DISPLAY]();
  assert.match(b["text/plain"] as string, /^run\s+iters\s+best_mIoU/);
  assert.ok(b["image/png"]);
  assert.throws(() => compareRuns({}), /at least one run/);
});
