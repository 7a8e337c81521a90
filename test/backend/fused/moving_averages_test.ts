/** The moving-statistics update in one kernel (wasm, cpu) against tfjs-layers' three ops per statistic. */
import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { MOVING_AVERAGES, movingAverages } from "../../../lib/backend/fused/moving_averages.ts";
import { rand } from "../_compare.ts";

testOnBackends(
  "the moving mean and variance update equals tfjs-layers' ops to the bit, in one kernel",
  async () => {
    const [mean, variance, batchMean, batchVariance] = [1, 2, 3, 4].map((k) =>
      tf.tensor1d(rand(37, 330 + k))
    );
    for (const momentum of [0.99, 0.9, 0.1]) {
      const before = tf.memory().numTensors;
      const got = movingAverages(mean, variance, batchMean, batchVariance, momentum);
      assert.equal(tf.memory().numTensors, before + 2);
      const want = tf.tidy(() =>
        [[mean, batchMean], [variance, batchVariance]].map(([s, b]) =>
          tf.sub(s, tf.mul(tf.sub(s, b), 1 - momentum))
        )
      );
      got.forEach((t, k) =>
        assert.deepEqual(t.dataSync(), want[k].dataSync(), `momentum ${momentum}, output ${k}`)
      );
      tf.dispose([...got, ...want]);
    }
    const profile = await tf.profile(() =>
      tf.dispose(movingAverages(mean, variance, batchMean, batchVariance, 0.99))
    );
    assert.deepEqual(profile.kernelNames, [MOVING_AVERAGES]);
    tf.dispose([mean, variance, batchMean, batchVariance]);
  },
);
