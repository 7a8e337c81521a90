/**
 * With seglab's kernels registered, a plain `tf.layers` model with every common layer trains on
 * wasm, and training leaks nothing.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { WASM_TRAINING_KERNELS } from "../../../lib/backend/mod.ts";
import { randTensor } from "../_compare.ts";

function buildModel(): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3] });
  const c1 = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: "same", useBias: false }).apply(input);
  const b1 = tf.layers.batchNormalization().apply(c1);
  const r1 = tf.layers.reLU().apply(b1) as tf.SymbolicTensor;
  const p1 = tf.layers.maxPooling2d({ poolSize: 2 }).apply(r1);
  const d1 = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", strides: 2, depthMultiplier: 2 })
    .apply(p1);
  const s1 = tf.layers.separableConv2d({ filters: 12, kernelSize: 3, padding: "same", activation: "relu6" })
    .apply(d1);
  const dr = tf.layers.dropout({ rate: 0.2 }).apply(s1);
  const up1 = tf.layers.conv2dTranspose({ filters: 8, kernelSize: 3, strides: 2, padding: "same" }).apply(dr);
  const up2 = tf.layers.upSampling2d({ size: [2, 2], interpolation: "bilinear" }).apply(up1);
  const cat = tf.layers.concatenate().apply([up2 as tf.SymbolicTensor, r1]);
  const out = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: "softmax" }).apply(
    cat,
  ) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

Deno.test("every kernel seglab registers for wasm is active after ready('wasm')", async () => {
  await ready("wasm", { quiet: true });
  for (const k of WASM_TRAINING_KERNELS) {
    assert.equal((tf.getKernel(k.name, "wasm") as { seglab?: boolean }).seglab, true, k.name);
  }
});

Deno.test("a tf.layers model (conv, BN, pool, depthwise, separable, dropout, transposed conv, bilinear up-sampling) trains on wasm", async () => {
  await ready("wasm", { quiet: true });
  const model = buildModel();
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  const x = randTensor([8, 16, 16, 3], 141);
  // Labels a conv net can learn: the class is the sign pattern of two input channels.
  const y = tf.tidy(() => {
    const c = tf.add(
      tf.cast(tf.greater(tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1]), 0), "int32"),
      tf.mul(tf.cast(tf.greater(tf.slice(x, [0, 0, 0, 1], [-1, -1, -1, 1]), 0), "int32"), 2),
    );
    return tf.oneHot(tf.cast(tf.reshape(c, [8, 16, 16]), "int32") as tf.Tensor3D, 4);
  });
  const before = model.trainableWeights.map((w) => Float32Array.from(w.read().dataSync()));
  const hist = await model.fit(x, y, { epochs: 8, batchSize: 8, verbose: 0 });
  const losses = hist.history.loss as number[];
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.ok(
    losses[losses.length - 1] < losses[0] * 0.9,
    `loss should fall by 10%: ${losses.map((l) => l.toFixed(4))}`,
  );
  model.trainableWeights.forEach((w, i) => {
    assert.ok(w.read().dataSync().some((v, j) => v !== before[i][j]), `${w.name} did not change`);
  });
  tf.dispose([x, y]);
  model.dispose();
});

Deno.test("50 training steps on wasm keep the tensor and backend-data counts flat", async () => {
  await ready("wasm", { quiet: true });
  const model = buildModel();
  const opt = tf.train.adam(0.001);
  const x = randTensor([2, 16, 16, 3], 151);
  const y = tf.tidy(() => tf.softmax(randTensor([2, 16, 16, 4], 152)));
  const step = () => {
    const cost = opt.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor),
      true,
    );
    cost?.dispose();
  };
  step(); // the first step creates the optimizer's slots
  const tensors = tf.memory().numTensors;
  const dataIds = tf.engine().backend.numDataIds();
  for (let i = 0; i < 50; i++) step();
  assert.equal(tf.memory().numTensors, tensors, "tensors leaked");
  assert.equal(tf.engine().backend.numDataIds(), dataIds, "wasm backend data leaked");
  opt.dispose();
  tf.dispose([x, y]);
  model.dispose();
});
