import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { createModel, tf } from "../../lib/mod.ts";
import { readyForTests } from "../support/backends.ts";
import {
  applyCheckpoint,
  CheckpointError,
  createOptimizer,
  listCheckpoints,
  loadCheckpoint,
  resolveCheckpoint,
  saveCheckpoint,
} from "../../lib/train/mod.ts";

await readyForTests();

const CFG = { type: "UNet", num_classes: 2, base_channels: 4, depth: 2 };
const state = (iter: number, model: ReturnType<typeof createModel>) => ({
  iter,
  iters: 10,
  seed: 1,
  model: model.config,
  config: { iters: 10 },
  history: [{ iter, loss: 1 }],
});

Deno.test("saveCheckpoint writes model, optimizer state and train_state atomically; loadCheckpoint reads them back exactly", async () => {
  const dir = await Deno.makeTempDir();
  const m = createModel(CFG, { seed: 1 });
  const opt = createOptimizer({ type: "Adam" });
  try {
    const named = m.net.trainableWeights.map((w) => ({
      name: w.originalName,
      variable: w.read() as tf.Variable,
    }));
    opt.apply(named, named.map((n) => tf.onesLike(n.variable)), 0.1);
    await saveCheckpoint(path.join(dir, "iter_1"), { model: m, optimizer: opt, state: state(1, m) });
    assert.deepEqual(fs.readdirSync(path.join(dir, "iter_1")).sort(), [
      "model.json",
      "model.weights.bin",
      "optimizer.weights.bin",
      "train_state.json",
    ]);
    assert.deepEqual(fs.readdirSync(dir), ["iter_1"], "no temporary folder is left behind");
    const ck = await loadCheckpoint(dir, { optimizer: true });
    assert.equal(ck.dir, path.join(dir, "iter_1"));
    assert.equal(ck.state?.iter, 1);
    for (const w of m.namedWeights()) {
      assert.deepEqual(await ck.weights[w.name].data(), await w.tensor.data(), w.name);
    }
    const st = opt.getState();
    assert.equal(ck.optimizer?.iterations, 1);
    for (const s of st.slots) {
      assert.deepEqual(await ck.optimizer!.slots[s.name].data(), await s.tensor.data(), s.name);
    }
    ck.dispose();
    // Saving over an existing checkpoint replaces it whole.
    await saveCheckpoint(path.join(dir, "iter_1"), { model: m, state: state(1, m) });
    assert.ok(!fs.existsSync(path.join(dir, "iter_1", "optimizer.weights.bin")));
    assert.deepEqual(fs.readdirSync(dir), ["iter_1"]);
  } finally {
    m.dispose();
    opt.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkpoint paths: a folder, its model.json, or a save_dir's latest complete iter_<k>", async () => {
  const dir = await Deno.makeTempDir();
  const m = createModel(CFG, { seed: 1 });
  try {
    for (const k of [2, 10]) {
      await saveCheckpoint(path.join(dir, `iter_${k}`), { model: m, state: state(k, m) });
    }
    fs.mkdirSync(path.join(dir, "iter_20")); // an incomplete folder is not a checkpoint
    fs.mkdirSync(path.join(dir, ".iter_30.tmp-1-x"));
    assert.deepEqual(listCheckpoints(dir).map((c) => c.iter), [2, 10]);
    assert.equal(resolveCheckpoint(dir), path.join(dir, "iter_10"));
    assert.equal(resolveCheckpoint(path.join(dir, "iter_2", "model.json")), path.join(dir, "iter_2"));
    assert.throws(() => resolveCheckpoint(path.join(dir, "nope")), /does not exist/);
    assert.throws(() => resolveCheckpoint(path.join(dir, "iter_20")), /not a checkpoint/);
  } finally {
    m.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a checkpoint of another model is refused with both descriptions; a backbone loads by prefix", async () => {
  const dir = await Deno.makeTempDir();
  const ocr = {
    type: "OCRNet",
    num_classes: 2,
    backbone: { type: "HRNet_W18_Small_V1", stem_channels: 8 },
    ocr_mid_channels: 8,
    ocr_key_channels: 4,
  };
  const a = createModel(CFG, { seed: 1 }),
    b = createModel(ocr, { seed: 1 }),
    c = createModel({ ...ocr, num_classes: 3 }, { seed: 2 });
  try {
    await saveCheckpoint(path.join(dir, "unet"), { model: a, state: state(1, a) });
    await saveCheckpoint(path.join(dir, "ocr"), { model: b, state: state(1, b) });
    const ck = await loadCheckpoint(path.join(dir, "unet"));
    assert.throws(() => applyCheckpoint(b, ck), (e: Error) =>
      e instanceof CheckpointError &&
      /holds UNet with 2 classes, but this model is OCRNet\(HRNet_W18_Small_V1\) with 2 classes/.test(
        e.message,
      ));
    ck.dispose();
    // The 3-class OCRNet takes the 2-class one's backbone (same structure) but not its head.
    const ck2 = await loadCheckpoint(path.join(dir, "ocr"));
    assert.throws(
      () => applyCheckpoint(c, ck2),
      /holds OCRNet\(HRNet_W18_Small_V1\) with 2 classes, but this model is OCRNet\(HRNet_W18_Small_V1\) with 3 classes \(model\.num_classes differs\)/,
    );
    const n = applyCheckpoint(c, ck2, { prefix: "backbone." });
    assert.ok(n > 50);
    const k = "backbone.conv1.conv/kernel";
    assert.deepEqual(
      await c.namedWeights().find((w) => w.name === k)!.tensor.data(),
      await ck2.weights[k].data(),
    );
    ck2.dispose();
  } finally {
    a.dispose();
    b.dispose();
    c.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
