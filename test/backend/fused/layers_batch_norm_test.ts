/** `tf.layers.batchNormalization` running seglab's fused training kernel (wasm and cpu). */
import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { assertAllClose } from "../../support/assert_close.ts";
import { randTensor } from "../_compare.ts";

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
