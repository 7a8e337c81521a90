import assert from "node:assert/strict";
import { confusionMatrix, DISPLAY, segMetrics } from "../../lib/mod.ts";
import { evalColumns, History } from "../../lib/train/history.ts";

function sample(): History {
  const h = new History();
  for (let i = 1; i <= 4; i++) {
    h.push({
      iter: i,
      lr: 0.01 / i,
      "out0.CrossEntropyLoss": 1 / i,
      "out1.CrossEntropyLoss": 0.4 / i,
      loss: 1.4 / i,
      sec: 0.1,
    });
  }
  const m = segMetrics(confusionMatrix([0, 1, 1, 0], [0, 1, 0, 0], 2));
  h.addEval(2, evalColumns(m, ["background", "road"]));
  h.addEval(4, evalColumns(m, ["background", "road"]));
  return h;
}

Deno.test("history columns: iter, lr, the terms, loss, sec, then the evaluation columns", () => {
  const h = sample();
  assert.deepEqual(h.columns, [
    "iter",
    "lr",
    "out0.CrossEntropyLoss",
    "out1.CrossEntropyLoss",
    "loss",
    "sec",
    "mIoU",
    "acc",
    "kappa",
    "dice",
    "mIoU_present",
    "IoU.background",
    "IoU.road",
  ]);
  assert.deepEqual(h.terms, ["out0.CrossEntropyLoss", "out1.CrossEntropyLoss"]);
  assert.equal(h.table.numRows(), 4);
  assert.deepEqual(h.table.array("mIoU"), [null, h.rows[1].mIoU, null, h.rows[3].mIoU]);
  assert.deepEqual(h.evals.array("iter"), [2, 4]);
  assert.equal(h.lastEval?.iter, 4);
});

Deno.test("history as CSV and JSON, and back", async () => {
  const h = sample();
  const csv = h.toCSV().trim().split("\n");
  assert.equal(csv.length, 5);
  assert.equal(csv[0], h.columns.join(","));
  assert.match(csv[1], /^1,0\.01,1,0\.4,1\.4,0\.1,,,/);
  const back = new History(
    h.toJSON().map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null))),
  );
  assert.deepEqual(back.toJSON(), h.toJSON());
  const dir = await Deno.makeTempDir();
  try {
    await h.save(`${dir}/h.csv`);
    await h.save(`${dir}/h.json`);
    assert.equal(await Deno.readTextFile(`${dir}/h.csv`), h.toCSV());
    assert.deepEqual(JSON.parse(await Deno.readTextFile(`${dir}/h.json`)), h.toJSON());
    await assert.rejects(h.save(`${dir}/h.txt`), /must end in \.csv or \.json/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("history plot: loss curves by term and the validation mIoU curve; displays as the evaluation table", async () => {
  const h = sample();
  const fig = h.plot({ title: "run" });
  assert.match(fig.svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  for (const s of ["out0.CrossEntropyLoss", "total", "validation", "mIoU"]) assert.ok(fig.svg.includes(s), s);
  assert.match(fig.text, /run — 4 iterations, best mIoU 0\.\d{4}/);
  const b = h[DISPLAY]();
  assert.match(b["text/plain"] as string, /^iter\s+mIoU/);
  const empty = new History().plot();
  assert.match(empty.svg, /no iterations yet/);
  const bundle = await fig[DISPLAY]();
  assert.ok(bundle["image/svg+xml"]);
});
