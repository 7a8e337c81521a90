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
