import assert from "node:assert/strict";
import { ConfigError, createLossConfig, parseConfig } from "../../lib/mod.ts";

const ROAD = `
batch_size: 4
iters: 15000
model:
  type: OCRNet
  backbone:
    type: HRNet_W18
  num_classes: 2
optimizer:
  type: SGD
lr_scheduler:
  type: PolynomialDecay
  learning_rate: 0.01
  power: 0.9
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

Deno.test("parseConfig reads PaddleSeg's road Lovász config and its loss section builds", () => {
  const cfg = parseConfig(ROAD);
  assert.equal(cfg.batch_size, 4);
  assert.deepEqual(cfg.loss?.coef, [1, 0.4]);
  const loss = createLossConfig(cfg.loss!);
  assert.deepEqual(loss.types.map((t) => t.type), ["MixedLoss", "MixedLoss"]);
});

Deno.test("parseConfig resolves _base_ with PaddleSeg's merge rules", () => {
  const dir = Deno.makeTempDirSync();
  Deno.mkdirSync(`${dir}/_base_`);
  Deno.writeTextFileSync(
    `${dir}/_base_/cityscapes.yml`,
    `
batch_size: 2
iters: 80000
optimizer: {type: SGD, momentum: 0.9, weight_decay: 4.0e-5}
lr_scheduler: {type: PolynomialDecay, learning_rate: 0.01, end_lr: 0, power: 0.9}
train_dataset: {type: Cityscapes, transforms: [{type: Normalize}], mode: train}
loss: {types: [{type: CrossEntropyLoss}], coef: [1]}
`,
  );
  Deno.writeTextFileSync(
    `${dir}/ocr.yml`,
    `
_base_: '_base_/cityscapes.yml'
iters: 160000
optimizer: {type: SGD}
train_dataset:
  _inherited_: False
  type: Dataset
  dataset_root: data
loss:
  types:
    - type: MixedLoss
      losses: [{type: CrossEntropyLoss}, {type: LovaszSoftmaxLoss}]
      coef: [0.8, 0.2]
  coef: [1, 0.4]
`,
  );
  const cfg = parseConfig(Deno.readTextFileSync(`${dir}/ocr.yml`), { path: `${dir}/ocr.yml` });
  assert.equal(cfg.iters, 160000);
  assert.equal(cfg.batch_size, 2);
  assert.deepEqual(cfg.optimizer, { type: "SGD", momentum: 0.9, weight_decay: 4e-5 });
  assert.deepEqual(cfg.train_dataset, { type: "Dataset", dataset_root: "data" });
  assert.equal((cfg.loss!.types[0] as { type: string }).type, "MixedLoss");
  Deno.writeTextFileSync(`${dir}/loop.yml`, `_base_: loop.yml\n`);
  assert.throws(() => parseConfig("_base_: loop.yml", { path: `${dir}/loop.yml` }), /includes itself/);
  assert.throws(
    () => parseConfig("_base_: missing.yml", { path: `${dir}/x.yml` }),
    /_base_ file "missing.yml" not found/,
  );
});

Deno.test("parseConfig: with a list of _base_ files the first one wins where they disagree (PaddleSeg's order)", () => {
  const dir = Deno.makeTempDirSync();
  Deno.writeTextFileSync(
    `${dir}/a.yml`,
    "batch_size: 2\niters: 100\noptimizer: {type: SGD, momentum: 0.9}\n",
  );
  Deno.writeTextFileSync(
    `${dir}/b.yml`,
    "batch_size: 8\nseed: 3\noptimizer: {type: SGD, momentum: 0.5, weight_decay: 1.0e-4}\n",
  );
  const cfg = parseConfig("_base_: [a.yml, b.yml]\niters: 7\n", { path: `${dir}/x.yml` });
  assert.equal(cfg.iters, 7, "the file itself wins");
  assert.equal(cfg.batch_size, 2, "then the first base");
  assert.equal(cfg.seed, 3, "keys only the second base has are kept");
  assert.deepEqual(cfg.optimizer, { type: "SGD", momentum: 0.9, weight_decay: 1e-4 });
});

Deno.test("parseConfig errors name the line and column, or the key path", () => {
  assert.throws(
    () => parseConfig("batch_size: 4\nloss:\n  types: [\n", { path: "bad.yml" }),
    (e: Error) => e instanceof ConfigError && /^bad\.yml:\d+:\d+: malformed YAML/.test(e.message),
  );
  assert.throws(() => parseConfig("a: 1\na: 2\n"), /<config>:2:1: malformed YAML.*unique/i);
  assert.throws(
    () => parseConfig("batch_size: four\n"),
    /batch_size: expected a positive integer, got "four"/,
  );
  assert.throws(
    () => parseConfig("loss:\n  types: [{type: CrossEntropyLoss}]\n  coef: [1, x]\n"),
    /loss\.coef\[1\]: expected a number, got "x"/,
  );
  assert.throws(
    () => parseConfig("loss:\n  types: [{type: LovazLoss}]\n  coef: [1]\n"),
    /loss\.types\[0\]: unknown loss type "LovazLoss"/,
  );
  assert.throws(() => parseConfig("- a\n- b\n"), /must be a mapping/);
});
