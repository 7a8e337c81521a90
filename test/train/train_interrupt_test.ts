/**
 * Interrupting a training cell through a real Jupyter client (jupyter_client): the kernel's
 * interrupt reaches `train()`, which stops within an iteration, saves where it stopped, frees its
 * tensors; no checkpoint appears afterwards; the kernel stays alive and re-running the cell
 * (resuming in the same folder) works.
 */
import assert from "node:assert/strict";
import {
  installTestKernel,
  jupyterTest,
  outputText,
  runDriver,
  type StepResult,
} from "../support/jupyter.ts";

const MEMORY = new URL("../support/memory_dataset.ts", import.meta.url).href;
const CHECKPOINTS = new URL("../../lib/train/checkpoint.ts", import.meta.url).href;

function text(r: StepResult): string {
  return (r.outputs ?? []).map((o) => outputText(o as unknown as Record<string, unknown>)).join("\n");
}

function result(r: StepResult): unknown {
  const o = r.outputs?.find((m) => m.msg_type === "execute_result");
  return o ? JSON.parse(String(o.content.data?.["text/plain"]).replace(/^'|'$/g, "")) : undefined;
}

jupyterTest(
  "kernel: interrupting a training cell stops train(), saves, leaks nothing; re-running resumes",
  async () => {
    const kernel = await installTestKernel();
    const dir = await Deno.makeTempDir({ prefix: "seglab-interrupt-" });
    const save = `${dir}/run`;
    const trainCell = (iters: number, resume: boolean) =>
      `const run = await train({
  config: { batch_size: 2, iters: ${iters}, model: { type: "UNet", num_classes: 2, base_channels: 4, depth: 2 },
    loss: { types: [{ type: "CrossEntropyLoss" }], coef: [1] } },
  trainDataset: memoryDataset({ length: 8, size: 16 }), valDataset: null, batches: memoryBatches,
  saveDir: ${JSON.stringify(save)}, saveInterval: 5, progress: false, seed: 3, resume: ${resume},
});
run.iter`;
    const listing = `JSON.stringify({
  checkpoints: listCheckpoints(${JSON.stringify(save)}).map((c) => c.iter),
  tensors: tf.memory().numTensors - before,
  lock: fs.existsSync(${JSON.stringify(save + "/.seglab.lock")}),
})`;
    try {
      const { results, alive } = await runDriver({
        kernel,
        cwd: dir,
        steps: [
          {
            op: "execute",
            code: `import { ready, tf, train } from "seglab";\n` +
              `import { listCheckpoints } from "${CHECKPOINTS}";\n` +
              `import { memoryBatches, memoryDataset } from "${MEMORY}";\n` +
              `import * as fs from "node:fs";\n` +
              `await ready("wasm", { quiet: true });\nconst before = tf.memory().numTensors;\n'ready'`,
            timeout: 60,
          },
          // Long enough for a few periodic checkpoints (every 5 iterations), then the interrupt.
          { op: "execute", code: trainCell(1_000_000, false), interrupt_after: 12, timeout: 60 },
          { op: "sleep", seconds: 3 },
          { op: "execute", code: listing },
          { op: "sleep", seconds: 4 },
          { op: "execute", code: listing },
          { op: "alive" },
          // Re-running the cell in the same kernel, resuming: it continues from the saved iteration.
          {
            op: "execute",
            code: `const last = listCheckpoints(${JSON.stringify(save)}).at(-1).iter;\n` +
              trainCell(0, true).replace("iters: 0,", "iters: last + 2,") + " - last",
            timeout: 60,
          },
        ],
      });
      const [, interrupted, , first, , second, live, rerun] = results;
      assert.equal(interrupted.reply?.status, "error");
      // The interrupted cell waited for the run to stop and save: the cell ends with train's
      // StoppedError (where it stopped, what it saved), not with the next cell.
      assert.equal(interrupted.reply?.ename, "StoppedError", text(interrupted));
      const a = result(first) as { checkpoints: number[]; tensors: number; lock: boolean };
      const b = result(second) as typeof a;
      assert.ok(a.checkpoints.length >= 1, `checkpoints: ${JSON.stringify(a)}`);
      const last = a.checkpoints[a.checkpoints.length - 1];
      assert.ok(last % 5 !== 0 || a.checkpoints.length > 1, "the stop wrote its own checkpoint");
      assert.deepEqual(b.checkpoints, a.checkpoints, "no checkpoint appeared after the stop");
      assert.equal(a.tensors, 0, "the stopped run freed its tensors");
      assert.equal(a.lock, false, "the lock is released");
      // The stop said where it stopped, in the interrupted cell itself; nothing of it spilled over.
      assert.match(
        text(interrupted),
        new RegExp(`train: stopped \\(interrupt\\) at iteration ${last} of 1000000; saved .*iter_${last}`),
      );
      assert.doesNotMatch(text(first), /stopped/);
      assert.equal(live.alive, true);
      assert.ok(alive);

      assert.equal(rerun.reply?.status, "ok", text(rerun));
      assert.match(text(rerun), /^2$/m, "the re-run resumed and ran the 2 iterations left");
    } finally {
      await kernel.remove();
      await Deno.remove(dir, { recursive: true });
    }
  },
);
