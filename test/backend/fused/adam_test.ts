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
