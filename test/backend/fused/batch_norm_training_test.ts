/**
 * seglab's fused training batch norm (kernels for wasm and cpu) against `tf.moments` +
 * `tf.batchNorm` differentiated by tfjs-core, including gradients through the returned
 * statistics.
 */
import { tf } from "../../../lib/mod.ts";
import { batchNormTraining } from "../../../lib/backend/mod.ts";
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

for (const c of [8, 64, 128]) {
  testOnBackends(
    `fused batch norm statistics stay exact for a large mean (no cancellation), ${c} channels`,
    () => {
      // 1000 + values in [−1, 1): float32 sums of x² would lose the variance to cancellation
      const shape = [4, 9, 7, c], n = 4 * 9 * 7;
      const x = randTensor(shape, 207, 1000);
      const g = tf.ones([c]) as tf.Tensor1D, b = tf.zeros([c]) as tf.Tensor1D;
      const [y, mean, variance] = batchNormTraining(x, g, b, EPS);
      const values = x.dataSync(), m = new Float64Array(c), v = new Float64Array(c);
      values.forEach((u, i) => (m[i % c] += u / n));
      values.forEach((u, i) => (v[i % c] += (u - m[i % c]) ** 2 / n));
      assertAllClose(mean.dataSync(), m, 0, 1e-7, "mean"); // float32's own rounding of ~1000 is 3·10⁻⁸
      assertAllClose(variance.dataSync(), v, 0, 1e-4, "variance"); // ~0.33; cancellation would leave nothing
      tf.dispose([x, g, b, y, mean, variance]);
    },
  );
}
