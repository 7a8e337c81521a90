/**
 * The `Relu` gradient in one pass (`dx = x > 0 ? dy : 0`) where the fused kernel exists (`wasm`,
 * `cpu`); tfjs-core's `dy·cast(step(x))` — three full-size ops — elsewhere.
 * @module
 */
import { tf } from "../tf.ts";
import { hasFused, RELU_GRAD } from "./fused_kernels.ts";

/** Gradient config for `Relu`. */
export const reluGradConfig: tf.GradConfig = {
  kernelName: "Relu",
  inputsToSave: ["x"],
  gradFunc: (dys, saved) => {
    const dy = dys as tf.Tensor;
    const [x] = saved;
    return {
      x: () =>
        hasFused(RELU_GRAD) && x.dtype === "float32"
          ? tf.engine().runKernel(RELU_GRAD, { dy, x }) as tf.Tensor
          : tf.mul(dy, tf.cast(tf.step(x), "float32")),
    };
  },
};
