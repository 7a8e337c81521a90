import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { decode } from "fast-png";
import { createModel, DISPLAY, tf } from "../../lib/mod.ts";
import { readyForTests } from "../support/backends.ts";
import { decodeMaskPng, predict } from "../../lib/train/mod.ts";
import { memoryDataset } from "../support/memory_dataset.ts";

await readyForTests();

Deno.test("predict writes PaddleSeg's layout: indexed masks with the dataset's palette, and overlays", async () => {
  const dir = await Deno.makeTempDir();
  const ds = memoryDataset({ length: 3, size: 20, mode: "val" });
  const m = createModel({ type: "UNet", num_classes: 2, base_channels: 4, depth: 2 }, { seed: 1 });
  try {
    const r = await predict(m, ds, { outDir: dir });
    assert.equal(r.count, 3);
    assert.deepEqual(fs.readdirSync(path.join(dir, "pseudo_color_prediction")).sort(), [
      "img_0.png",
      "img_1.png",
      "img_2.png",
    ]);
    assert.deepEqual(fs.readdirSync(path.join(dir, "added_prediction")).sort(), [
      "img_0.png",
      "img_1.png",
      "img_2.png",
    ]);
    const bytes = fs.readFileSync(path.join(dir, "pseudo_color_prediction", "img_1.png"));
    const png = decode(bytes);
    assert.deepEqual(
      png.palette!.slice(0, 2),
      [[0, 0, 0], [255, 255, 255]],
      "the dataset's palette comes first",
    );
    const back = decodeMaskPng(new Uint8Array(bytes));
    assert.deepEqual(back.mask, r.predictions[1].mask);
    const s = await ds.get(1);
    const expected = m.predict(tf.tensor4d(s.image, [1, 20, 20, 3]));
    assert.deepEqual(Array.from(back.mask), Array.from(await expected.data()));
    expected.dispose();
    const bundle = r[DISPLAY]();
    assert.ok(bundle["image/png"] && /3 predictions written to/.test(bundle["text/plain"] as string));
  } finally {
    m.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("predict on a tensor keeps every mask in memory", async () => {
  const m = createModel({ type: "UNet", num_classes: 2, base_channels: 4, depth: 1 }, { seed: 1 });
  const x = tf.randomNormal([2, 12, 16, 3]) as tf.Tensor4D;
  const r = await predict(m, x);
  assert.equal(r.predictions.length, 2);
  assert.equal(r.predictions[0].mask.length, 12 * 16);
  assert.equal(r.outDir, null);
  x.dispose();
  m.dispose();
});
