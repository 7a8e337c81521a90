/**
 * seglab's fused training batch norm (kernels for wasm and cpu) against `tf.moments` +
 * `tf.batchNorm` differentiated by tfjs-core, including gradients through the returned
 * statistics; and `tf.layers.batchNormalization` using it while training.
 */
import assert from "node:assert/strict";
import { batchNormTraining, tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { assertAllClose } from "../../support/assert_close.ts";
import { randTensor } from "../_compare.ts";

const EPS = 1e-3;
function reference(x: tf.Tensor, g: tf.Tensor, b: tf.Tensor): tf.Tensor[] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  return [tf.batchNorm(x, mean, variance, b, g, EPS), mean, variance];
}

for (const shape of [[4, 6, 5, 16], [3, 7, 5], [9, 4]]) {
  testOnBackends(`fused batch norm forward and backward match moments + batchNorm, shape ${shape}`, () => {
    const c = shape[shape.length - 1];
    const x = randTensor(shape, 201, 0.7); // a non-zero mean exercises the centring
    const g = randTensor<tf.Rank.R1>([c], 202, 1.2), b = randTensor<tf.Rank.R1>([c], 203);
    const r = randTensor(shape, 204), rm = randTensor([c], 205), rv = randTensor([c], 206);
    // A loss that uses all three outputs, so gradients also flow through mean and variance.
    const loss =
      (f: (x: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.Tensor[]) =>
      (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) => {
        const [y, m, v] = f(xx, gg, bb);
        return tf.addN([tf.sum(tf.mul(y, r)), tf.sum(tf.mul(m, rm)), tf.sum(tf.mul(v, rv))]);
      };
    const fused = (xx: tf.Tensor, gg: tf.Tensor, bb: tf.Tensor) =>
      batchNormTraining(xx, gg as tf.Tensor1D, bb as tf.Tensor1D, EPS);
    const outs = tf.tidy(() => [...fused(x, g, b), ...tf.grads(loss(fused))([x, g, b])]);
    const want = tf.tidy(() => [...reference(x, g, b), ...tf.grads(loss(reference))([x, g, b])]);
    ["y", "mean", "variance", "dx", "dgamma", "dbeta"].forEach((name, i) =>
      assertAllClose(outs[i].dataSync(), want[i].dataSync(), 2e-5, 2e-5, name)
    );
    tf.dispose([x, g, b, r, rm, rv, ...outs, ...want]);
  });
}

testOnBackends(
  "tf.layers.batchNormalization trains through the fused kernel and updates its moving statistics as before",
  async () => {
    const layer = tf.layers.batchNormalization({ momentum: 0.9 });
    const x = randTensor([4, 5, 5, 6], 211, 0.5);
    layer.apply(x, { training: true }); // builds the layer (and takes one training step of statistics)
    const movingMean = () => (layer.getWeights()[2].dataSync() as Float32Array).slice();
    const movingVar = () => (layer.getWeights()[3].dataSync() as Float32Array).slice();
    const m0 = movingMean(), v0 = movingVar();
    const y = tf.tidy(() => layer.apply(x, { training: true }) as tf.Tensor);
    const { mean, variance } = tf.moments(x, [0, 1, 2]);
    const expectMean = m0.map((m, k) => m - (m - mean.dataSync()[k]) * 0.1);
    const expectVar = v0.map((v, k) => v - (v - variance.dataSync()[k]) * 0.1);
    assertAllClose(movingMean(), expectMean, 1e-6, 1e-5, "moving mean");
    assertAllClose(movingVar(), expectVar, 1e-6, 1e-5, "moving variance");
    const [gamma, beta] = layer.getWeights();
    const want = tf.tidy(() => tf.batchNorm(x, mean, variance, beta, gamma, 1e-3));
    assertAllClose(y.dataSync(), want.dataSync(), 2e-5, 2e-5, "output");
    // Inference still uses the moving statistics (the original code path).
    const inf = tf.tidy(() => layer.apply(x, { training: false }) as tf.Tensor);
    const wantInf = tf.tidy(() =>
      tf.batchNorm(x, tf.tensor1d(movingMean()), tf.tensor1d(movingVar()), beta, gamma, 1e-3)
    );
    assertAllClose(inf.dataSync(), wantInf.dataSync(), 2e-5, 2e-5, "inference");
    const g = tf.tidy(() =>
      tf.grads((a: tf.Tensor) => tf.sum(tf.square(layer.apply(a, { training: true }) as tf.Tensor)))([x])[0]
    );
    const profile = await tf.profile(() => {
      tf.tidy(() => tf.grads((a: tf.Tensor) => tf.sum(layer.apply(a, { training: true }) as tf.Tensor))([x]));
    });
    const names = profile.kernelNames;
    assert.ok(
      names.includes("SeglabBatchNormTraining") && names.includes("SeglabBatchNormTrainingGrad"),
      names.join(),
    );
    assert.ok(!names.includes("FusedBatchNorm"), "the unfused path was taken");
    assert.equal(g.shape.join(), x.shape.join());
    tf.dispose([x, y, mean, variance, want, inf, wantInf, g]);
    layer.dispose();
  },
);

testOnBackends("the one-pass ReLU gradient matches step(x)·dy, zero at x = 0 and −0", () => {
  const x = tf.tensor1d([-2, -0, 0, 1e-30, 3, -1e-30, 5]);
  const dy = tf.tensor1d([1, 2, 3, 4, 5, 6, 7]);
  const g = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dy)))(x));
  assert.deepEqual(Array.from(g.dataSync()), [0, 0, 0, 4, 5, 0, 7]);
  tf.dispose([x, dy, g]);
});
