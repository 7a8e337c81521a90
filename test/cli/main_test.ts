import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ready } from "../../lib/mod.ts";
import { cli } from "./_run_cli.ts";
import { applyCheckpoint, decodeMaskPng, loadCheckpoint } from "../../lib/train/mod.ts";
import { createModel } from "../../lib/models/mod.ts";
import { savePdparams } from "../../lib/paddle/mod.ts";
import { shippedDataPath } from "../../datasets/mod.ts";

await ready("wasm", { quiet: true });
// pretrained URLs in the configs are not fetched in tests (the run says so in one line and starts from initialisation).
Deno.env.set("SEGLAB_OFFLINE", "1");

// PaddleSeg's road recipe (configs/ocrnet/ocrnet_hrnetw18_road_extraction_768x768_15k_lovasz_hinge.yml),
// split into a _base_ file as PaddleSeg's own configs are, with the data set pointed at the shipped
// synthetic roads and only the crop size, the backbone's widths and the iterations scaled down.
const BASE = (roads: string) => `
batch_size: 4
iters: 15000

train_dataset:
  type: MiniDeepGlobeRoadExtraction
  dataset_root: ${roads}
  transforms:
    - type: ResizeStepScaling
      min_scale_factor: 0.5
      max_scale_factor: 2.0
      scale_step_size: 0.25
    - type: RandomPaddingCrop
      crop_size: [32, 32]
    - type: RandomHorizontalFlip
    - type: Normalize
  mode: train

val_dataset:
  type: MiniDeepGlobeRoadExtraction
  dataset_root: ${roads}
  transforms:
    - type: Normalize
  mode: val

optimizer:
  type: SGD

lr_scheduler:
  type: PolynomialDecay
  learning_rate: 0.01
  power: 0.9

loss:
  types:
    - type: CrossEntropyLoss
  coef: [1]
`;

const CHILD = `
_base_: './road_base.yml'

model:
  type: OCRNet
  backbone:
    type: HRNet_W18_Small_V1
    pretrained: https://bj.bcebos.com/paddleseg/dygraph/hrnet_w18_ssld.tar.gz
    stem_channels: 8
    stage1_num_channels: [4]
    stage2_num_channels: [4, 8]
    stage3_num_channels: [4, 8, 8]
    stage4_num_channels: [4, 8, 8, 8]
  backbone_indices: [0]
  ocr_mid_channels: 8
  ocr_key_channels: 4

loss:
  types:
    - type: MixedLoss
      losses:
        - type: CrossEntropyLoss
        - type: LovaszHingeLoss
      coef: [1, 0.01]
    - type: MixedLoss
      losses:
        - type: CrossEntropyLoss
        - type: LovaszHingeLoss
      coef: [1, 0.01]
  coef: [1, 0.4]
`;

Deno.test("npm run train / val / predict on a PaddleSeg config with _base_", async () => {
  const dir = await Deno.makeTempDir({ prefix: "seglab-cli-" });
  try {
    fs.mkdirSync(path.join(dir, "configs"));
    // A relative dataset_root resolves against the working directory, as in PaddleSeg, else the config's folder.
    fs.copyFileSync(shippedDataPath("synthetic-roads"), path.join(dir, "roads.zip"));
    fs.writeFileSync(path.join(dir, "configs", "road_base.yml"), BASE("../roads.zip"));
    const config = path.join(dir, "configs", "ocrnet_road_lovasz_hinge.yml");
    fs.writeFileSync(config, CHILD);
    const out = path.join(dir, "output");

    const t = await cli([
      "train",
      "--config",
      config,
      "--iters",
      "2",
      "--save_dir",
      out,
      "--save_interval",
      "2",
      "--log_iters",
      "1",
      "--seed",
      "5",
    ]);
    assert.equal(t.code, 0, t.err);
    assert.match(
      t.err,
      /model\.backbone\.pretrained: cannot download https:\/\/bj\.bcebos\.com\/.*; starting from the model's initialisation/,
    );
    // dataset_root does not exist from the working directory: the config's folder is used, and said.
    assert.match(
      t.err,
      /do not exist from the working directory .*; resolving them against the config's folder/,
    );
    assert.match(
      t.err,
      /\[TRAIN\] epoch: 1, iter: 1\/2, loss: \d\.\d{4}, lr: 0\.010000, .* \| out0\.CrossEntropyLoss: .*out1\.LovaszHingeLoss/,
    );
    assert.match(t.err, /\[EVAL\] #Images: 40 mIoU: /);
    assert.match(t.out, /train: 2 iterations done; checkpoints in .*output; best mIoU \d\.\d{4} at iter 2/);
    const ck = await loadCheckpoint(path.join(out, "iter_2"));
    // The merged config was recorded: SGD without momentum (PaddleSeg 2.9), the child's loss, the base's data.
    assert.deepEqual(ck.state!.config.optimizer, { type: "SGD", backbone_lr_mult: 1, use_nesterov: false });
    assert.equal(ck.state!.config.batch_size, 4);
    assert.deepEqual((ck.state!.config.loss as { coef: number[] }).coef, [1, 0.4]);
    // PolynomialDecay over the 2 iterations with Paddle's end_lr default (1e-4): lr(1) = (0.01 − 1e-4)·0.5^0.9 + 1e-4.
    assert.ok(
      Math.abs((ck.state!.history[1].lr as number) - ((0.01 - 1e-4) * Math.pow(0.5, 0.9) + 1e-4)) < 1e-12,
    );
    ck.dispose();
    assert.ok(fs.existsSync(path.join(out, "history.csv")));

    const v = await cli([
      "val",
      "--config",
      config,
      "--model",
      path.join(out, "best_model"),
      "--max_samples",
      "6",
    ]);
    assert.equal(v.code, 0, v.err);
    assert.match(v.out, /\[EVAL\] #Images: 6 mIoU: \d\.\d{4} Acc: /);
    assert.match(v.out, /class\s+IoU\s+precision/);

    // The same weights as a PaddleSeg model.pdparams: val --model_path with the PaddleSeg config gives the same numbers.
    const best = await loadCheckpoint(path.join(out, "best_model"));
    const bm = createModel(best.state!.model, { seed: 0 });
    applyCheckpoint(bm, best);
    best.dispose();
    const pdparams = path.join(dir, "paddle", "best_model", "model.pdparams");
    await savePdparams(bm, pdparams);
    bm.dispose();
    const vp = await cli([
      "val",
      "--config",
      config,
      "--model_path",
      path.dirname(pdparams),
      "--max_samples",
      "6",
    ]);
    assert.equal(vp.code, 0, vp.err);
    assert.equal(
      vp.out.match(/\[EVAL\] #Images: 6 mIoU: .*/)![0],
      v.out.match(/\[EVAL\] #Images: 6 mIoU: .*/)![0],
    );
    const noCfg = await cli(["val", "--model_path", pdparams]);
    assert.equal(noCfg.code, 2);
    assert.match(noCfg.err, /is a PaddleSeg checkpoint; pass --config/);

    const images = path.join(dir, "images");
    fs.mkdirSync(images);
    const city = path.join(shippedDataPath("synthetic-city"), "leftImg8bit", "val", "frankfurt");
    for (const f of fs.readdirSync(city).sort().slice(0, 2)) {
      fs.copyFileSync(path.join(city, f), path.join(images, f));
    }
    const pred = path.join(dir, "pred");
    const p = await cli([
      "predict",
      "--config",
      config,
      "--model",
      path.join(out, "best_model"),
      "--images",
      images,
      "--out",
      pred,
    ]);
    assert.equal(p.code, 0, p.err);
    const masks = fs.readdirSync(path.join(pred, "pseudo_color_prediction")).sort();
    assert.deepEqual(masks, [
      "frankfurt_000000_000019_leftImg8bit.png",
      "frankfurt_000001_000019_leftImg8bit.png",
    ]);
    const m = decodeMaskPng(
      new Uint8Array(fs.readFileSync(path.join(pred, "pseudo_color_prediction", masks[0]))),
    );
    assert.deepEqual([m.width, m.height], [256, 128]);
    assert.ok(m.mask.every((c) => c === 0 || c === 1));
    assert.ok(fs.existsSync(path.join(pred, "added_prediction", masks[0])));

    // Resume continues from the last checkpoint.
    const r = await cli([
      "train",
      "--config",
      config,
      "--iters",
      "3",
      "--save_dir",
      out,
      "--save_interval",
      "3",
      "--resume",
      "--no_eval",
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /resume: continuing from iteration 2/);
    assert.ok(fs.existsSync(path.join(out, "iter_3")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the command line reports bad input in one line with the key path, and exit status 1 or 2", async () => {
  const dir = await Deno.makeTempDir({ prefix: "seglab-cli-" });
  try {
    fs.writeFileSync(
      path.join(dir, "road_base.yml"),
      BASE(shippedDataPath("synthetic-roads")).replace("type: SGD", "type: SGD\n  momentum: 0.9x"),
    );
    const bad = path.join(dir, "bad.yml");
    fs.writeFileSync(bad, CHILD);
    const b = await cli(["train", "--config", bad, "--save_dir", path.join(dir, "out")]);
    assert.equal(b.code, 1);
    assert.match(b.err, /^train: .*bad\.yml: optimizer\.momentum: expected a number, got "0\.9x"$/m);
    const none = await cli(["train"]);
    assert.equal(none.code, 2);
    assert.match(none.err, /train: --config is required/);
    const typo = await cli(["val", "--modle", "x"]);
    assert.equal(typo.code, 2);
    assert.match(typo.err, /unknown option --modle \(did you mean "--model"\?\)/);
    const missing = await cli(["val", "--model", path.join(dir, "nowhere")]);
    assert.equal(missing.code, 1);
    assert.match(missing.err, /nowhere: no such checkpoint/);
    assert.equal((await cli(["fit"])).code, 2);
    const help = await cli(["predict", "--help"]);
    assert.equal(help.code, 0);
    assert.match(help.out, /--images, --image_path PATH/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
