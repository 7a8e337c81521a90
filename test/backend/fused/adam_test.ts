/** seglab's one-kernel Adam update (wasm, cpu) against Adam's definition, computed in float64. */
import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { assertAllClose } from "../../support/assert_close.ts";
import { rand } from "../_compare.ts";

testOnBackends(
  "tf.train.adam with seglab's fused update follows Adam's definition and keeps its slots",
  async () => {
    const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-7];
    const w0 = rand(37, 301), target = rand(37, 302);
    const w = tf.variable(tf.tensor1d(w0), true, "adam_test_w");
    const t = tf.tensor1d(target);
    const opt = tf.train.adam(lr, b1, b2, eps);
    // Reference: loss Σ(w − t)², gradient 2(w − t).
    const ref = Float64Array.from(w0), m = new Float64Array(37), v = new Float64Array(37);
    for (let step = 1; step <= 5; step++) {
      opt.minimize(() => tf.sum(tf.square(tf.sub(w, t))) as tf.Scalar);
      for (let i = 0; i < 37; i++) {
        const g = 2 * (ref[i] - target[i]);
        m[i] = b1 * m[i] + (1 - b1) * g;
        v[i] = b2 * v[i] + (1 - b2) * g * g;
        ref[i] -= lr * (m[i] / (1 - b1 ** step)) / (Math.sqrt(v[i] / (1 - b2 ** step)) + eps);
      }
      assertAllClose(w.dataSync(), ref, 2e-6, 2e-5, `step ${step}`);
    }
    const slots = (await opt.getWeights()).map((s) => s.name);
    assert.ok(slots.includes("adam_test_w/m") && slots.includes("adam_test_w/v"), slots.join());
    const profile = await tf.profile(() => {
      opt.minimize(() => tf.sum(tf.square(tf.sub(w, t))) as tf.Scalar);
    });
    assert.ok(profile.kernelNames.includes("SeglabAdamUpdate"), profile.kernelNames.join());
    opt.dispose();
    tf.dispose([w, t]);
  },
);

testOnBackends("the fused Adam kernel equals tfjs-core's Adam operations to the bit (float32 per op)", () => {
  for (const n of [37, 1030]) {
    const [value, m, v, g] = [1, 2, 3, 4].map((k) =>
      tf.tensor1d(rand(n, 310 + k).map((x) => (k === 3 ? Math.abs(x) : x)))
    );
    const attrs = {
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-7,
      lr: 0.003,
      c1: 1 - 0.9 ** 3,
      c2: 1 - 0.999 ** 3,
    };
    const got = tf.engine().runKernel(
      "SeglabAdamUpdate",
      { value, m, v, g },
      attrs,
    ) as unknown as tf.Tensor[];
    // tfjs-core 4.22's AdamOptimizer.applyGradients, op for op (c1, c2 as its float32 `1 − accBeta`)
    const want = tf.tidy(() => {
      const [c1, c2] = [attrs.c1, attrs.c2].map((c) => tf.scalar(c));
      const m1 = tf.add(tf.mul(m, attrs.beta1), tf.mul(g, 1 - attrs.beta1));
      const v1 = tf.add(tf.mul(v, attrs.beta2), tf.mul(tf.square(g), 1 - attrs.beta2));
      const step = tf.div(tf.div(m1, c1), tf.add(tf.sqrt(tf.div(v1, c2)), attrs.epsilon));
      return [tf.add(tf.mul(step, -attrs.lr), value), m1, v1];
    });
    got.forEach((t, k) => assert.deepEqual(t.dataSync(), want[k].dataSync(), `n ${n}, output ${k}`));
    assert.ok(got[0].dataSync().every(Number.isFinite));
    tf.dispose([value, m, v, g, ...got, ...want]);
  }
});
