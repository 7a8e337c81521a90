/**
 * The effect of OCRNet/HRNet's convolution initialisation when training from scratch: seglab's
 * default (He normal before batch norm, `conv_init: he`) against PaddleSeg's Normal(0, 0.001)
 * (`conv_init: paddleseg`), on the shipped synthetic roads with a small OCRNet-HRNet_W18_Small_V1,
 * same seed, data order and schedule. Prints JSON: validation mIoU at each evaluation and the
 * final training loss per init, with the machine's load.
 *
 * ```sh
 * deno run -A bench/paddleseg_init.ts [--iters 60] [--seeds 1,2]
 * ```
 * @module
 */
import * as os from "node:os";
import process from "node:process";
import { ready, train } from "../lib/mod.ts";
import { shippedDataPath } from "../datasets/mod.ts";

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const iters = Number(arg("iters", "60"));
const seeds = arg("seeds", "1").split(",").map(Number);
const backend = await ready(undefined, { quiet: true });
const ROADS = shippedDataPath("synthetic-roads");
const config = (convInit: string) => ({
  batch_size: 4,
  iters,
  train_dataset: {
    type: "MiniDeepGlobeRoadExtraction",
    dataset_root: ROADS,
    transforms: [{ type: "RandomPaddingCrop", crop_size: [64, 64] }, { type: "RandomHorizontalFlip" }, {
      type: "Normalize",
    }],
    mode: "train",
  },
  val_dataset: {
    type: "MiniDeepGlobeRoadExtraction",
    dataset_root: ROADS,
    transforms: [{ type: "Normalize" }],
    mode: "val",
  },
  model: {
    type: "OCRNet",
    conv_init: convInit,
    backbone: { type: "HRNet_W18_Small_V1", stem_channels: 16 },
    ocr_mid_channels: 32,
    ocr_key_channels: 16,
  },
  optimizer: { type: "SGD", momentum: 0.9, weight_decay: 4e-5 },
  lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.01, power: 0.9, end_lr: 0 },
  loss: { types: [{ type: "CrossEntropyLoss" }, { type: "CrossEntropyLoss" }], coef: [1, 0.4] },
});

const load0 = os.loadavg();
const runs = [];
for (const seed of seeds) {
  for (const init of ["he", "paddleseg"]) {
    const t0 = performance.now();
    const r = await train({
      config: config(init),
      seed,
      evalInterval: Math.max(1, Math.floor(iters / 4)),
      progress: false,
      log: false,
    });
    const evals = r.history.rows.filter((x) => x.mIoU !== undefined).map((x) => ({
      iter: x.iter,
      miou: x.mIoU,
    }));
    const last = r.history.rows[r.history.rows.length - 1];
    runs.push({
      init,
      seed,
      evals,
      finalLoss: last.loss,
      bestMiou: r.best?.miou ?? null,
      seconds: (performance.now() - t0) / 1000,
    });
    r.dispose();
  }
}
console.log(
  JSON.stringify(
    { bench: "paddleseg_init", backend, iters, loadavgBefore: load0, loadavgAfter: os.loadavg(), runs },
    null,
    2,
  ),
);
process.exit(0);
