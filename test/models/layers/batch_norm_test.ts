import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { BatchNorm } from "../../../lib/models/layers/batch_norm.ts";
import { assertAllClose } from "../../support/assert_close.ts";
import { testOnBackends } from "../../support/backends.ts";

/** tf.layers' BatchNormalization (+ ReLU) with Paddle's momentum and epsilon: the reference. */
function reference(relu: boolean) {
  const bn = tf.layers.batchNormalization({ axis: -1, momentum: 0.9, epsilon: 1e-5 });
  return {
    bn,
    apply: (x: tf.Tensor, training: boolean) => {
      const y = bn.apply(x, { training }) as tf.Tensor;
      return relu ? tf.relu(y) : y;
    },
  };
}

for (const [relu, fused] of [[false, true], [true, true], [false, false], [true, false]]) {
  testOnBackends(
    `BatchNorm${relu ? " + ReLU" : ""} (${
      fused ? "fused kernels" : "closed-form gradient"
    }): forward, gradients and moving statistics equal tf.layers'`,
    () => {
      const x = tf.randomNormal([3, 5, 7, 4], 0.5, 2, "float32", 11);
      const dyW = tf.randomNormal([3, 5, 7, 4], 0, 1, "float32", 12);
      const ours = new BatchNorm({ relu, fused }), ref = reference(relu);
      ours.apply(x);
      ref.bn.apply(x);
      // Same non-trivial affine parameters in both.
      const gamma = tf.tensor1d([0.5, 1.5, -1, 2]), beta = tf.tensor1d([0.1, -0.2, 0.3, 0]);
      ours.gamma!.write(gamma);
      ours.beta!.write(beta);
      ref.bn.setWeights([gamma, beta, ref.bn.getWeights()[2], ref.bn.getWeights()[3]]);
      const run = (f: (x: tf.Tensor, training: boolean) => tf.Tensor, vars: tf.Variable[]) => {
        const g = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(f(xi, true), dyW)));
        const dx = g(x);
        const { grads } = tf.variableGrads(() => tf.sum(tf.mul(f(x, true), dyW)) as tf.Scalar, vars);
        return { y: f(x, true), dx, dg: grads[vars[0].name], db: grads[vars[1].name] };
      };
      const a = run((xi, t) => ours.apply(xi, { training: t }) as tf.Tensor, [
        ours.gamma!.read() as tf.Variable,
        ours.beta!.read() as tf.Variable,
      ]);
      const b = run(ref.apply, [
        ref.bn.trainableWeights[0].read() as tf.Variable,
        ref.bn.trainableWeights[1].read() as tf.Variable,
      ]);
      assertAllClose(a.y.dataSync(), b.y.dataSync(), 1e-5, 1e-5, "output");
      assertAllClose(a.dx.dataSync(), b.dx.dataSync(), 1e-5, 1e-4, "dx");
      assertAllClose(a.dg.dataSync(), b.dg.dataSync(), 1e-4, 1e-5, "dgamma");
      assertAllClose(a.db.dataSync(), b.db.dataSync(), 1e-4, 1e-5, "dbeta");
      // Four training passes each: moving statistics move the same way.
      assertAllClose(
        ours.movingMean!.read().dataSync(),
        ref.bn.getWeights()[2].dataSync(),
        1e-6,
        1e-5,
        "moving mean",
      );
      assertAllClose(
        ours.movingVariance!.read().dataSync(),
        ref.bn.getWeights()[3].dataSync(),
        1e-5,
        1e-5,
        "moving variance",
      );
      // Evaluation uses the moving statistics.
      assertAllClose(
        (ours.apply(x, { training: false }) as tf.Tensor).dataSync(),
        ref.apply(x, false).dataSync(),
        1e-5,
        1e-5,
        "evaluation",
      );
    },
  );
}

testOnBackends(
  "BatchNorm's closed-form path keeps no intermediate tensors for its gradient and leaks nothing",
  () => {
    // (The fused path's peak wasm heap was measured equal for UNet and OCRNet training steps; its
    // saved tensors are clones that share data, which tf.memory().numBytes counts twice.)
    const ours = new BatchNorm({ relu: true, fused: false });
    const x = tf.randomNormal([2, 16, 16, 8]);
    ours.apply(x);
    const v = [ours.gamma!.read() as tf.Variable, ours.beta!.read() as tf.Variable];
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      const { value, grads } = tf.variableGrads(
        () => tf.sum(ours.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
        v,
      );
      tf.dispose([value, ...Object.values(grads)]);
    }
    assert.equal(tf.memory().numTensors, before);
    // At the forward pass's peak the op holds its output and its saved input (a copy on wasm, shared
    // on cpu) besides per-channel vectors; tf.layers' BatchNormalization + ReLU holds about seven.
    let held = 0;
    const r = tf.variableGrads(() => {
      const m0 = tf.memory().numBytes;
      const y = ours.apply(x, { training: true }) as tf.Tensor;
      held = tf.memory().numBytes - m0;
      return tf.sum(y) as tf.Scalar;
    }, v);
    tf.dispose([r.value, ...Object.values(r.grads)]);
    assert.ok(held <= 2 * x.size * 4 + 1024, `bytes held by the forward pass: ${held} (input ${x.size * 4})`);
    tf.dispose(x);
  },
);
