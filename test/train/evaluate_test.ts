import assert from "node:assert/strict";
import { confusionMatrix, createModel, segMetrics, tf } from "../../lib/mod.ts";
import { evaluate, sampleCache } from "../../lib/train/mod.ts";
import { memoryDataset } from "../support/memory_dataset.ts";
import { readyForTests } from "../support/backends.ts";

await readyForTests();

Deno.test("evaluate: one confusion matrix over the whole set (ignored pixels skipped), any batch size", async () => {
  const counter = { gets: 0 };
  const ds = memoryDataset({ length: 5, size: 24, mode: "val", numClasses: 3, counter });
  const m = createModel({ type: "UNet", num_classes: 3, base_channels: 4, depth: 2 }, { seed: 3 });
  try {
    const preds: number[] = [], labels: number[] = [];
    for (let i = 0; i < ds.length; i++) {
      const s = await ds.get(i);
      const p = m.predict(tf.tensor4d(s.image, [1, 24, 24, 3]));
      preds.push(...await p.data());
      labels.push(...s.label);
      p.dispose();
    }
    const expected = segMetrics(confusionMatrix(preds, labels, 3, 255));
    const one = await evaluate(m, ds, { batchSize: 1 });
    const four = await evaluate(m, ds, { batchSize: 4 });
    for (const r of [one, four]) {
      assert.equal(r.numImages, 5);
      assert.deepEqual(
        Array.from(r.confusion.counts),
        Array.from(confusionMatrix(preds, labels, 3, 255).counts),
      );
      assert.equal(r.miou, expected.miou);
      assert.deepEqual(r.classIoU, expected.classIoU);
      assert.equal(r.kappa, expected.kappa);
    }
    assert.equal(
      one.confusion.counts.reduce((a, b) => a + b, 0),
      5 * (24 * 24 - 1),
      "the ignored pixel of each image is skipped",
    );
    const first2 = await evaluate(m, ds, { maxSamples: 2 });
    assert.equal(first2.numImages, 2);
    // A cache decodes each validation image once across evaluations.
    counter.gets = 0;
    const cache = sampleCache(ds);
    await evaluate(m, ds, { samples: cache });
    await evaluate(m, ds, { samples: cache });
    assert.equal(counter.gets, 5);
    assert.ok(cache.bytes > 0);
  } finally {
    m.dispose();
  }
});

Deno.test("evaluate refuses a dataset whose classes differ from the model's", async () => {
  const ds = memoryDataset({ length: 1, size: 16, mode: "val" });
  const m = createModel({ type: "UNet", num_classes: 3, base_channels: 4, depth: 1 }, { seed: 1 });
  await assert.rejects(evaluate(m, ds), /the dataset has 2 classes but the model predicts 3/);
  m.dispose();
});

Deno.test("evaluate: where val transforms resize, the label stays as stored and the logits are resized back (PaddleSeg)", async () => {
  const { createDataset, shippedDataPath } = await import("../../datasets/mod.ts");
  const ROADS = shippedDataPath("synthetic-roads");
  const val = await createDataset({
    type: "MiniDeepGlobeRoadExtraction",
    dataset_root: ROADS,
    transforms: [{ type: "Resize", target_size: [40, 24] }, { type: "Normalize" }],
    mode: "val",
  });
  const m = createModel({ type: "UNet", num_classes: 2, base_channels: 4, depth: 2 }, { seed: 3 });
  try {
    const s = await val.get(0), raw = await val.getRaw(0);
    assert.deepEqual([s.width, s.height], [40, 24]);
    assert.deepEqual([s.rawLabel!.width, s.rawLabel!.height], [raw.width, raw.height]);
    assert.deepEqual(s.rawLabel!.label, raw.label);
    const total = (r: { confusion: { counts: Float64Array } }) =>
      r.confusion.counts.reduce((a, b) => a + b, 0);
    const rawEval = await evaluate(m, val, { maxSamples: 3 });
    const resized = await evaluate(m, val, { maxSamples: 3, rawLabels: false });
    let valid = 0;
    for (let i = 0; i < 3; i++) for (const v of (await val.getRaw(i)).label!) if (v !== 255) valid++;
    assert.equal(total(rawEval), valid, "every stored label pixel is counted");
    assert.ok(total(resized) <= 3 * 40 * 24);
    // The same comparison by hand: logits at 40×24, resized bilinearly to the stored size, argmax.
    const preds: number[] = [], labels: number[] = [];
    for (let i = 0; i < 3; i++) {
      const si = await val.get(i);
      const p = tf.tidy(() =>
        tf.argMax(
          tf.image.resizeBilinear(
            m.apply(tf.tensor4d(si.image, [1, 24, 40, 3]))[0],
            [si.rawLabel!.height, si.rawLabel!.width],
            false,
            true,
          ),
          -1,
        )
      );
      preds.push(...(await p.data()));
      labels.push(...si.rawLabel!.label);
      p.dispose();
    }
    assert.deepEqual(
      Array.from(rawEval.confusion.counts),
      Array.from(confusionMatrix(preds, labels, 2, 255).counts),
    );
  } finally {
    m.dispose();
  }
});
