import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ready } from "../../lib/mod.ts";
import { createModel } from "../../lib/models/mod.ts";
import { train } from "../../lib/train/mod.ts";
import { paddleState } from "../../lib/paddle/paddle_weights.ts";
import { ndarray } from "../../lib/paddle/ndarray.ts";
import { type PickleValue, writePickle } from "../../lib/paddle/pickle_writer.ts";
import { shippedDataPath } from "../../datasets/mod.ts";

await ready("wasm", { quiet: true });

const UNET = { type: "UNet", num_classes: 2, base_channels: 4, depth: 2 };
const CONFIG = {
  batch_size: 2,
  iters: 4,
  train_dataset: {
    type: "MiniDeepGlobeRoadExtraction",
    dataset_root: shippedDataPath("synthetic-roads"),
    transforms: [{ type: "RandomPaddingCrop", crop_size: [32, 32] }, { type: "Normalize" }],
    mode: "train",
  },
  model: UNET,
  optimizer: { type: "SGD", momentum: 0.9 },
  lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.01, power: 0.9 },
  loss: { types: [{ type: "CrossEntropyLoss" }], coef: [1] },
};

/** A PaddleSeg iter_3 folder: weights with Paddle's name table, and a Momentum .pdopt keyed by internal names. */
async function paddleRunFolder(root: string, velocities = true): Promise<{ dir: string; weights: number }> {
  const m = createModel(UNET, { seed: 4 });
  const state = await paddleState(m);
  m.dispose();
  const table = new Map<string, PickleValue>();
  const opt = new Map<string, PickleValue>();
  let i = 0;
  for (const [k, a] of state) {
    if (/_mean$|_variance$|^conv\./.test(k)) continue; // statistics have no accumulator; conv.* aliases cls.*
    const internal = `param_${i++}.w_0`;
    table.set(k, internal);
    if (velocities) {
      opt.set(`${internal}_velocity_0`, ndarray("f4", a.shape, new Float32Array(a.data.length).fill(0.5)));
    }
  }
  opt.set("LR_Scheduler", new Map<string, PickleValue>([["last_epoch", 3], ["last_lr", 0.0071]]));
  const dir = path.join(root, "output", "iter_3");
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, "model.pdparams"),
    writePickle(new Map<string, PickleValue>([...state, ["StructuredToParameterName@@", table]])),
  );
  fs.writeFileSync(path.join(dir, "model.pdopt"), writePickle(opt));
  return { dir, weights: i };
}

Deno.test("--resume_model on a PaddleSeg iter_<k> folder: weights, Momentum velocities and the iteration", async () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-pdresume-"));
  try {
    const { dir, weights } = await paddleRunFolder(root);
    const lines: string[] = [];
    const run = await train({
      config: CONFIG,
      resume: dir,
      doEval: false,
      progress: false,
      log: (l) => lines.push(l),
    });
    try {
      assert.equal(run.iter, 4);
      assert.deepEqual(run.history.rows.map((r) => r.iter), [4]);
      assert.ok(
        lines.some((l) =>
          l.includes(`continuing from iteration 3 (${dir}, PaddleSeg; ${weights} optimizer accumulators`)
        ),
        lines.join("\n"),
      );
    } finally {
      run.dispose();
    }
    const bare = await paddleRunFolder(path.join(root, "b"), false);
    await assert.rejects(
      train({ config: CONFIG, resume: bare.dir, doEval: false, progress: false, log: false }),
      /model\.pdopt lacks the Momentum state of \d+ weight\(s\): param_0\.w_0_velocity_0/,
    );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
