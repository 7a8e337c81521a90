/**
 * Dilated (atrous) convolutions train: seglab's `Conv2D` / `DepthwiseConv2dNative` gradients with
 * dilation > 1 (refused by tfjs-core), and `tf.layers` layers with `dilationRate`, on cpu and wasm.
 */
import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { assertClose } from "../../support/assert_close.ts";
import { finiteDifferences, randTensor, someCoords } from "../_compare.ts";

for (const kind of ["conv2d", "depthwiseConv2d"] as const) {
  testOnBackends(`${kind} with dilation 2 has a gradient that agrees with finite differences`, () => {
    const x = randTensor<tf.Rank.R4>([1, 9, 8, 3], 121);
    const w = randTensor<tf.Rank.R4>([3, 3, 3, 2], 122);
    const r = randTensor(kind === "conv2d" ? [1, 9, 8, 2] : [1, 9, 8, 6], 123);
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf.tidy(() => {
        const y = kind === "conv2d"
          ? tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same", "NHWC", 2)
          : tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same", "NHWC", 2);
        return tf.sum(tf.mul(y, r)) as tf.Scalar;
      });
    const [dx, dw] = tf.tidy(() => tf.grads(loss)([x, w]));
    const cx = someCoords(x.size), cw = someCoords(w.size);
    const fx = finiteDifferences((a) => loss(a, w), x, cx, 0.5);
    const fw = finiteDifferences((b) => loss(x, b), w, cw, 0.5);
    cx.forEach((i, k) => assertClose(dx.dataSync()[i], fx[k], 2e-3, 1e-3, `dx[${i}]`));
    cw.forEach((i, k) => assertClose(dw.dataSync()[i], fw[k], 2e-3, 1e-3, `dw[${i}]`));
    tf.dispose([x, w, r, dx, dw]);
  });
}

testOnBackends("tf.layers conv2d / depthwiseConv2d / separableConv2d with dilationRate 2 train", async () => {
  const input = tf.input({ shape: [12, 12, 3] });
  let h = tf.layers.conv2d({
    filters: 4,
    kernelSize: 3,
    padding: "same",
    dilationRate: 2,
    activation: "relu",
  })
    .apply(input) as tf.SymbolicTensor;
  h = tf.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", dilationRate: 2 }).apply(
    h,
  ) as tf.SymbolicTensor;
  h = tf.layers.separableConv2d({ filters: 4, kernelSize: 3, padding: "same", dilationRate: 3 }).apply(
    h,
  ) as tf.SymbolicTensor;
  const out = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(h) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
  const x = randTensor([4, 12, 12, 3], 131);
  const y = randTensor([4, 12, 12, 2], 132);
  const before = model.getWeights().map((w) => Float32Array.from(w.dataSync()));
  const hist = await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
  const losses = hist.history.loss as number[];
  assert.ok(losses.every(Number.isFinite), `losses ${losses}`);
  assert.ok(losses[2] < losses[0], `loss should fall: ${losses}`);
  model.getWeights().forEach((w, i) => {
    const changed = w.dataSync().some((v, j) => v !== before[i][j]);
    assert.ok(changed, `weight ${i} (${w.shape}) did not change`);
  });
  tf.dispose([x, y]);
  model.dispose();
});
