/**
 * The `Relu` gradient in one pass (`dx = y > 0 ? dy : 0`) where the fused kernel exists (`wasm`,
 * `cpu`); `dy·cast(step(y))` — three full-size ops, as tfjs-core does — elsewhere.
 *
 * It keeps the ReLU's *output* for the backward pass rather than its input (`y > 0` exactly when
 * `x > 0`). The output is what the next layer keeps anyway, so a conv → BN → ReLU block holds
 * two activations instead of three until its gradient is computed.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { hasFused, RELU_GRAD } from "./fused_kernels.ts";

/** Gradient config for `Relu`. */
export const reluGradConfig: tf.GradConfig = {
  kernelName: "Relu",
  outputsToSave: [true],
  gradFunc: (dys, saved) => {
    const dy = dys as tf.Tensor;
    const [y] = saved;
    return {
      x: () =>
        hasFused(RELU_GRAD) && y.dtype === "float32"
          ? tf.engine().runKernel(RELU_GRAD, { dy, x: y }) as tf.Tensor
          : tf.mul(dy, tf.cast(tf.step(y), "float32")),
    };
  },
};
