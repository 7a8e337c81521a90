import assert from "node:assert/strict";
import { batches, createDataset, shippedDataPath } from "../../datasets/mod.ts";
import { batchPlan } from "../../datasets/batches.ts";
import type { SegDataset } from "../../datasets/mod.ts";
import { ready, tf } from "../../lib/mod.ts";
import { assertSameArray, png, roadFolder, tempDir, writeTree } from "../support/datasets.ts";

const TRAIN = [
  { type: "ResizeStepScaling", min_scale_factor: 0.5, max_scale_factor: 2.0, scale_step_size: 0.25 },
  { type: "RandomPaddingCrop", crop_size: [48, 48] },
  { type: "RandomHorizontalFlip" },
  { type: "RandomDistort" },
  { type: "Normalize" },
];
const roads = (extra: Record<string, unknown> = {}) =>
  createDataset({
    type: "MiniDeepGlobeRoadExtraction",
    dataset_root: shippedDataPath("synthetic-roads"),
    mode: "val",
    transforms: TRAIN,
    ...extra,
  });

interface Seen {
  step: number;
  epoch: number;
  indices: number[];
  images: Float32Array;
  labels: Int32Array;
}

async function take(ds: SegDataset, opts: Parameters<typeof batches>[1], n: number): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const b of batches(ds, opts)) {
    out.push({
      step: b.step,
      epoch: b.epoch,
      indices: b.indices,
      images: b.images.dataSync() as Float32Array,
      labels: b.labels.dataSync() as Int32Array,
    });
    tf.dispose(b.edges ? [b.images, b.labels, b.edges] : [b.images, b.labels]);
    if (out.length === n) break;
  }
  return out;
}

function assertSameBatches(a: Seen[], b: Seen[]): void {
  assert.equal(a.length, b.length);
  a.forEach((x, k) => {
    assert.deepEqual([x.step, x.epoch, x.indices], [b[k].step, b[k].epoch, b[k].indices]);
    assertSameArray(x.images, b[k].images, `step ${x.step} images`);
    assertSameArray(x.labels, b[k].labels, `step ${x.step} labels`);
  });
}

Deno.test("batches: same seed → same order and pixels; another seed → another order", async () => {
  await ready("cpu", { quiet: true });
  const ds = await roads();
  const opts = { batchSize: 4, shuffle: true, seed: 11, loop: true };
  const a = await take(ds, opts, 3), b = await take(ds, opts, 3);
  assertSameBatches(a, b);
  const c = await take(ds, { ...opts, seed: 12 }, 1);
  assert.notDeepEqual(c[0].indices, a[0].indices);
  assert.deepEqual([a[0].images.length, a[0].labels.length], [4 * 48 * 48 * 3, 4 * 48 * 48]);
});

Deno.test("batches: startStep resumes exactly where an uninterrupted run is, across epochs", async () => {
  await ready("cpu", { quiet: true });
  const ds = await roads();
  const opts = { batchSize: 8, shuffle: true, seed: 3, loop: true }; // 40 samples → 5 steps per epoch
  const full = await take(ds, opts, 8);
  assert.deepEqual(full.map((b) => b.epoch), [0, 0, 0, 0, 0, 1, 1, 1]);
  const resumed = await take(ds, { ...opts, startStep: 4 }, 4);
  assertSameBatches(resumed, full.slice(4));
});

Deno.test("batchPlan: PaddleSeg's drop_last with loop, permutations per epoch, one pass otherwise", () => {
  const loop = batchPlan(10, { batchSize: 4, shuffle: true, seed: 1, loop: true });
  assert.equal(loop.perEpoch, 2);
  for (let e = 0; e < 3; e++) {
    const ids = [...loop.at(2 * e).indices, ...loop.at(2 * e + 1).indices];
    assert.equal(new Set(ids).size, 8, "no repeats within an epoch");
    assert.equal(loop.at(2 * e).epoch, e);
  }
  assert.notDeepEqual(loop.at(0).indices, loop.at(2).indices, "each epoch reshuffles");
  const once = batchPlan(10, { batchSize: 4 });
  assert.deepEqual([once.perEpoch, once.total], [3, 3]);
  assert.deepEqual(once.at(2).indices, [8, 9]);
  assert.throws(
    () => batchPlan(3, { batchSize: 4, loop: true }),
    /batchSize 4 is larger than the data set \(3 samples\) and dropLast is on/,
  );
  assert.throws(() => batchPlan(3, { batchSize: 0 }), /batchSize must be a positive integer/);
});

Deno.test("batches: holds at most prefetch × batchSize decoded samples ahead of the consumer", async () => {
  await ready("cpu", { quiet: true });
  const base = await roads();
  for (const prefetch of [0, 1, 3]) {
    let started = 0;
    const counting: SegDataset = { ...base, get: (i, o) => (started++, base.get(i, o)), getRaw: base.getRaw };
    let k = 0;
    for await (const b of batches(counting, { batchSize: 2, loop: true, prefetch })) {
      await new Promise((r) => setTimeout(r, 30)); // the consumer works; prefetching runs meanwhile
      assert.ok(
        started <= (k + 1 + prefetch) * 2,
        `prefetch ${prefetch}, batch ${k}: ${started} samples started`,
      );
      if (k >= 1) {
        assert.equal(started, (k + 1 + prefetch) * 2, `prefetch ${prefetch} keeps ${prefetch} batches ahead`);
      }
      tf.dispose([b.images, b.labels]);
      if (++k === 4) break;
    }
  }
});

Deno.test("batches: no tensor leaks when the consumer disposes or stops early; edges come as int32", async () => {
  await ready("cpu", { quiet: true });
  const ds = await roads({ edge: true });
  const before = tf.memory().numTensors;
  let k = 0;
  for await (const b of batches(ds, { batchSize: 2, loop: true, prefetch: 2 })) {
    assert.equal(b.edges?.dtype, "int32");
    assert.deepEqual(b.edges?.shape, [2, 48, 48]);
    tf.dispose([b.images, b.labels, b.edges!]);
    assert.equal(tf.memory().numTensors, before, `step ${b.step}`);
    if (++k === 3) break;
  }
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("batches: samples of different sizes in one batch are an error naming both", async () => {
  await ready("cpu", { quiet: true });
  const { dir, cleanup } = await tempDir();
  try {
    await roadFolder(dir, 2, 16);
    await writeTree(dir, {
      "img/big.png": png(new Uint8Array(20 * 20 * 3), 20, 20),
      "img/big_mask.png": png(new Uint8Array(400), 20, 20),
    });
    await Deno.writeTextFile(
      `${dir}/train.txt`,
      "img/0_sat.png|img/0_mask.png\nimg/big.png|img/big_mask.png\n",
    );
    const ds = await createDataset({ type: "MiniDeepGlobeRoadExtraction", dataset_root: dir });
    const it = batches(ds, { batchSize: 2 });
    await assert.rejects(
      () => it.next(),
      /img\/0_sat.png is 16×16×3 but img\/big.png is 20×20×3; add a RandomPaddingCrop or Resize/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("batches: decoding in a web worker gives the same batches as in this thread", async () => {
  await ready("cpu", { quiet: true });
  const ds = await roads();
  const opts = { batchSize: 4, shuffle: true, seed: 5, loop: true, startStep: 9 };
  const here = await take(ds, opts, 2), there = await take(ds, { ...opts, workers: 2 }, 2);
  assertSameBatches(there, here);
});
