import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { createModel, ready, tf } from "../../lib/mod.ts";
import { CheckpointError, fileIO } from "../../lib/train/mod.ts";

await ready("wasm", { quiet: true });

Deno.test("fileIO writes TensorFlow.js's layers format that tf.loadLayersModel reads back bit for bit", async () => {
  const dir = await Deno.makeTempDir();
  const m = createModel({
    type: "OCRNet",
    backbone: { type: "HRNet_W18_Small_V1", stem_channels: 8 },
    num_classes: 3,
    ocr_mid_channels: 16,
    ocr_key_channels: 8,
  }, { seed: 4 });
  try {
    await m.net.save(fileIO(dir));
    const json = JSON.parse(fs.readFileSync(path.join(dir, "model.json"), "utf8"));
    assert.equal(json.format, "layers-model");
    assert.deepEqual(json.weightsManifest[0].paths, ["./model.weights.bin"]);
    assert.equal(json.seglab.weights.bytes, fs.statSync(path.join(dir, "model.weights.bin")).size);
    // Any TensorFlow.js program can load it (seglab's custom layers are registered on import).
    const loaded = await tf.loadLayersModel(fileIO(dir));
    const a = m.net.weights, b = loaded.weights;
    assert.deepEqual(b.map((w) => w.originalName), a.map((w) => w.originalName));
    for (let i = 0; i < a.length; i++) {
      assert.deepEqual(b[i].read().dataSync(), a[i].read().dataSync(), a[i].originalName);
    }
    const x = tf.randomNormal([1, 24, 24, 3]) as tf.Tensor4D;
    const [y1] = m.apply(x), y2 = (loaded.predict(x) as tf.Tensor[])[0];
    assert.deepEqual(y2.dataSync(), y1.dataSync());
    tf.dispose([x, y1, y2]);
    loaded.dispose();
  } finally {
    m.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("fileIO refuses truncated, oversized and corrupted weights, and a missing model.json, saying why", async () => {
  const dir = await Deno.makeTempDir();
  const m = createModel({ type: "UNet", num_classes: 2, base_channels: 4, depth: 2 }, { seed: 1 });
  try {
    await m.net.save(fileIO(dir));
    const bin = path.join(dir, "model.weights.bin");
    const good = fs.readFileSync(bin);
    fs.writeFileSync(bin, good.subarray(0, good.length - 10));
    await assert.rejects(
      tf.loadLayersModel(fileIO(dir)),
      (e: Error) =>
        e instanceof CheckpointError &&
        /model\.weights\.bin is truncated: \d+ bytes, but its manifest describes \d+/.test(e.message),
    );
    fs.writeFileSync(bin, Buffer.concat([good, Buffer.from([1, 2, 3, 4])]));
    await assert.rejects(tf.loadLayersModel(fileIO(dir)), /bytes, but \d+ were written/);
    const bad = Buffer.from(good);
    bad[100] ^= 0xff;
    fs.writeFileSync(bin, bad);
    await assert.rejects(tf.loadLayersModel(fileIO(dir)), /SHA-256 differs .* corrupted/);
    await assert.rejects(tf.loadLayersModel(fileIO(path.join(dir, "nowhere"))), /model\.json: not found/);
  } finally {
    m.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
