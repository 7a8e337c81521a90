/**
 * Are the shipped data sets learnable by a small model in minutes on 2 cores? Their classes
 * must be told apart by colour and local texture, which is what a small network learns first.
 * This trains a per-pixel classifier (two dense layers) on fixed local features (colour, and
 * its mean and spread at 3×3, 7×7, 15×15) with seglab's cross entropy, at batch 4 on small
 * crops for a few iterations — the CI notebooks' regime — and reports per-class IoU on the
 * validation split (full images). (tfjs 4.22's cpu backend trains convolutions too slowly to
 * be a quick check, and its wasm backend has no convolution gradients; the trainer's U-Net is
 * the end-to-end check.) Prints one JSON document.
 *
 *   deno run -A bench/data_learnable.ts [--iters 150] [--set synthetic-roads|synthetic-city|both] [--backend wasm|cpu]
 */
import { parseArgs } from "node:util";
import * as os from "node:os";
import { batches, createDataset, shippedDataPath } from "../datasets/mod.ts";
import { addLogitsToConfusion, createLoss, emptyConfusion, ready, segMetrics, tf } from "../lib/mod.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    iters: { type: "string", default: "150" },
    set: { type: "string", default: "both" },
    backend: { type: "string", default: "wasm" },
  },
});
const iters = Number(args.iters);
// wasm: fast pooling and matMul (and their gradients); the per-pixel model needs no conv gradients.
const backend = await ready(args.backend, { quiet: true });

/**
 * Per-pixel features a small network would learn first: colour, and local mean and spread of
 * colour at 3×3, 7×7 and 15×15 (texture, context). Fixed ops: no gradient needed.
 */
function features(images: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    const parts: tf.Tensor4D[] = [images];
    for (const k of [3, 7, 15]) {
      const mean = tf.avgPool(images, k, 1, "same");
      const sq = tf.avgPool(tf.square(images), k, 1, "same");
      parts.push(mean, tf.sqrt(tf.relu(tf.sub(sq, tf.square(mean)))));
    }
    const f = tf.concat(parts, 3);
    return tf.reshape(f, [-1, f.shape[3]]) as tf.Tensor2D;
  });
}

/** A two-layer per-pixel classifier (21 features → 48 → classes). */
function classifier(numClasses: number, nFeatures = 21, hidden = 48) {
  const w1 = tf.variable(tf.randomNormal([nFeatures, hidden], 0, Math.sqrt(2 / nFeatures), "float32", 1));
  const b1 = tf.variable(tf.zeros([hidden]));
  const w2 = tf.variable(tf.randomNormal([hidden, numClasses], 0, Math.sqrt(2 / hidden), "float32", 2));
  const b2 = tf.variable(tf.zeros([numClasses]));
  return (images: tf.Tensor4D): tf.Tensor4D => {
    const [n, h, w] = images.shape;
    const f = features(images);
    const logits = tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(f, w1), b1)), w2), b2);
    f.dispose();
    return tf.reshape(logits, [n, h, w, numClasses]) as tf.Tensor4D;
  };
}

async function run(name: "synthetic-roads" | "synthetic-city") {
  const roads = name === "synthetic-roads";
  const type = roads ? "MiniDeepGlobeRoadExtraction" : "Cityscapes";
  const crop = roads ? [64, 64] : [128, 64];
  const train = await createDataset({
    type,
    dataset_root: shippedDataPath(name),
    mode: "train",
    transforms: [{ type: "RandomPaddingCrop", crop_size: crop }, { type: "RandomHorizontalFlip" }, {
      type: "Normalize",
    }],
  });
  const val = await createDataset({
    type,
    dataset_root: shippedDataPath(name),
    mode: "val",
    transforms: [{ type: "Normalize" }],
  });
  const model = classifier(train.numClasses);
  const ce = createLoss({ type: "CrossEntropyLoss" });
  const opt = tf.train.adam(5e-3);
  const t0 = performance.now();
  let last = 0;
  for await (const b of batches(train, { batchSize: 4, shuffle: true, seed: 0, loop: true })) {
    const loss = opt.minimize(() => ce.compute(model(b.images), b.labels), true) as tf.Scalar;
    last = (await loss.data())[0];
    tf.dispose([loss, b.images, b.labels]);
    if ((b.step + 1) % 25 === 0) {
      console.error(
        `${name}: iter ${b.step + 1}, loss ${last.toFixed(4)}, ${
          ((performance.now() - t0) / 1000).toFixed(0)
        } s`,
      );
    }
    if (b.step + 1 === iters) break;
  }
  const trainS = (performance.now() - t0) / 1000;
  const cm = emptyConfusion(val.numClasses, val.ignoreIndex);
  for await (const b of batches(val, { batchSize: 1 })) {
    tf.tidy(() => {
      addLogitsToConfusion(cm, model(b.images), b.labels);
    });
    tf.dispose([b.images, b.labels]);
  }
  const m = segMetrics(cm, [...val.classNames]);
  return {
    set: name,
    crop,
    iters,
    train_seconds: +trainS.toFixed(1),
    s_per_iter: +(trainS / iters).toFixed(3),
    final_loss: +last.toFixed(4),
    val_miou: +m.miou.toFixed(4),
    val_acc: +m.acc.toFixed(4),
    class_iou: Object.fromEntries(val.classNames.map((n, k) => [n, +m.classIoU[k].toFixed(3)])),
  };
}

const sets = args.set === "both"
  ? ["synthetic-roads", "synthetic-city"] as const
  : [args.set as "synthetic-roads" | "synthetic-city"];
const results = [];
for (const s of sets) results.push(await run(s));
console.log(
  JSON.stringify(
    {
      bench: "learnability of the shipped data sets",
      backend,
      cpus: os.cpus().length,
      load_average: os.loadavg().map((v) => +v.toFixed(2)),
      results,
    },
    null,
    2,
  ),
);
