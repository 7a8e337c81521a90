/**
 * `batchNormTraining(x, γ, β, ε)`: training-mode batch normalisation over all axes but the last,
 * returning `[y, mean, variance]` — one fused kernel forward and one backward on `wasm` and `cpu`
 * (see {@link ./fused_kernels.ts}), `tf.moments` + `tf.batchNorm` elsewhere. `tf.layers`
 * batch-normalisation layers use it while training (see {@link ./layers_batch_norm.ts}).
 *
 * @example
 * ```ts
 * const [y, mean, variance] = batchNormTraining(x, gamma, beta, 1e-3);
 * ```
 * @module
 */
import { tf } from "../../core/tf.ts";
import { BN_TRAIN, BN_TRAIN_GRAD, hasFused } from "./fused_kernels.ts";

/** Normalises `x` with its own per-channel statistics; returns `[y, mean, variance]`. */
export function batchNormTraining(
  x: tf.Tensor,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): [tf.Tensor, tf.Tensor1D, tf.Tensor1D] {
  if (hasFused(BN_TRAIN) && x.dtype === "float32") {
    return tf.engine().runKernel(BN_TRAIN, { x, scale: gamma, offset: beta }, {
      varianceEpsilon: eps,
    }) as unknown as [
      tf.Tensor,
      tf.Tensor1D,
      tf.Tensor1D,
    ];
  }
  return tf.tidy(() => {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    const { mean, variance } = tf.moments(x, axes);
    return [tf.batchNorm(x, mean, variance, beta, gamma, eps), mean as tf.Tensor1D, variance as tf.Tensor1D];
  });
}

/** The gradient of the fused kernel (all three outputs may carry gradient). */
export const batchNormTrainingGradConfig: tf.GradConfig = {
  kernelName: BN_TRAIN,
  inputsToSave: ["x", "scale"],
  outputsToSave: [false, true, true],
  gradFunc: (dys, saved, attrs) => {
    const [dy, dmean, dvar] = dys as tf.Tensor[];
    const [x, scale, mean, variance] = saved;
    const [dx, dscale, doffset] = tf.engine().runKernel(
      BN_TRAIN_GRAD,
      { dy, x, scale, mean, variance, dmean, dvar } as tf.NamedTensorMap,
      attrs as tf.NamedAttrMap,
    ) as unknown as tf.Tensor[];
    return { x: () => dx, scale: () => dscale, offset: () => doffset };
  },
};
