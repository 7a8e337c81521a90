/**
 * Are the shipped data sets learnable by a small model in minutes on 2 cores? Trains a narrow
 * two-level U-Net-like net (16/32 channels) with seglab's cross entropy for a few iterations
 * at batch 4 on small crops — the CI notebooks' regime — and reports per-class IoU on the
 * validation split (full images). Prints one JSON document.
 *
 *   deno run -A bench/data_learnable.ts [--iters 150] [--set synthetic-roads|synthetic-city|both] [--backend cpu]
 */
import { parseArgs } from "node:util";
import * as os from "node:os";
import { batches, createDataset, shippedDataPath } from "../datasets/mod.ts";
import { addLogitsToConfusion, createLoss, emptyConfusion, ready, segMetrics, tf } from "../lib/mod.ts";

const { values: args } = parseArgs({ args: Deno.args, options: { iters: { type: "string", default: "150" }, set: { type: "string", default: "both" }, backend: { type: "string", default: "cpu" } } });
const iters = Number(args.iters);
// tfjs 4.22's wasm backend has no Conv2DBackpropFilter kernel; cpu trains convolutions.
const backend = await ready(args.backend, { quiet: true });

function smallNet(numClasses: number): tf.LayersModel {
  const conv = (f: number, k = 3) => tf.layers.conv2d({ filters: f, kernelSize: k, padding: "same", activation: "relu" });
  const input = tf.input({ shape: [null, null, 3] });
  const c1 = conv(16).apply(conv(16).apply(input)) as tf.SymbolicTensor;
  const p = tf.layers.maxPooling2d({ poolSize: 2 }).apply(c1) as tf.SymbolicTensor;
  const c2 = conv(32).apply(conv(32).apply(p)) as tf.SymbolicTensor;
  const u = tf.layers.upSampling2d({ size: [2, 2] }).apply(c2) as tf.SymbolicTensor;
  const cat = tf.layers.concatenate().apply([u, c1]) as tf.SymbolicTensor;
  const c3 = conv(16).apply(cat) as tf.SymbolicTensor;
  const out = tf.layers.conv2d({ filters: numClasses, kernelSize: 1, padding: "same" }).apply(c3) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

async function run(name: "synthetic-roads" | "synthetic-city") {
  const roads = name === "synthetic-roads";
  const type = roads ? "MiniDeepGlobeRoadExtraction" : "Cityscapes";
  const crop = roads ? [64, 64] : [128, 64];
  const train = await createDataset({
    type, dataset_root: shippedDataPath(name), mode: "train",
    transforms: [{ type: "RandomPaddingCrop", crop_size: crop }, { type: "RandomHorizontalFlip" }, { type: "Normalize" }],
  });
  const val = await createDataset({ type, dataset_root: shippedDataPath(name), mode: "val", transforms: [{ type: "Normalize" }] });
  const model = smallNet(train.numClasses);
  const ce = createLoss({ type: "CrossEntropyLoss" });
  const opt = tf.train.adam(5e-3);
  const t0 = performance.now();
  let last = 0;
  for await (const b of batches(train, { batchSize: 4, shuffle: true, seed: 0, loop: true })) {
    const loss = opt.minimize(() => ce.compute(model.apply(b.images) as tf.Tensor4D, b.labels), true) as tf.Scalar;
    last = (await loss.data())[0];
    tf.dispose([loss, b.images, b.labels]);
    if ((b.step + 1) % 25 === 0) console.error(`${name}: iter ${b.step + 1}, loss ${last.toFixed(4)}, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    if (b.step + 1 === iters) break;
  }
  const trainS = (performance.now() - t0) / 1000;
  const cm = emptyConfusion(val.numClasses, val.ignoreIndex);
  for await (const b of batches(val, { batchSize: 1 })) {
    tf.tidy(() => {
      addLogitsToConfusion(cm, model.apply(b.images) as tf.Tensor, b.labels);
    });
    tf.dispose([b.images, b.labels]);
  }
  const m = segMetrics(cm, [...val.classNames]);
  return {
    set: name, crop, iters, train_seconds: +trainS.toFixed(1), s_per_iter: +(trainS / iters).toFixed(3), final_loss: +last.toFixed(4),
    val_miou: +m.miou.toFixed(4), val_acc: +m.acc.toFixed(4),
    class_iou: Object.fromEntries(val.classNames.map((n, k) => [n, +m.classIoU[k].toFixed(3)])),
  };
}

const sets = args.set === "both" ? ["synthetic-roads", "synthetic-city"] as const : [args.set as "synthetic-roads" | "synthetic-city"];
const results = [];
for (const s of sets) results.push(await run(s));
console.log(JSON.stringify({ bench: "learnability of the shipped data sets", backend, cpus: os.cpus().length, load_average: os.loadavg().map((v) => +v.toFixed(2)), results }, null, 2));
