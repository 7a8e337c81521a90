/**
 * Runs a typed-array Lovász kernel as a differentiable TensorFlow.js op, and chooses between
 * the typed path and the tensor path.
 * @module
 */
import { tf } from "../core/tf.ts";
import { backendOnDevice } from "../backend/device.ts";
import type { LovaszResult } from "./lovasz_hinge_typed.ts";

/** `"typed"`: JavaScript over typed arrays (CPU backends); `"tensor"`: TensorFlow.js ops (GPU). */
export type LovaszImpl = "auto" | "typed" | "tensor";

/** `"auto"` → `"tensor"` on device backends (WebGL, WebGPU, tfjs-node-gpu), else `"typed"`. */
export function resolveImpl(impl: LovaszImpl = "auto"): "typed" | "tensor" {
  if (impl !== "auto") return impl;
  return backendOnDevice() ? "tensor" : "typed";
}

/** True while a gradient tape records (inside `tf.grad`, `optimizer.minimize`, …). */
export function taping(): boolean {
  const state = (tf.engine() as unknown as { state?: { gradientDepth?: number } }).state;
  return typeof state?.gradientDepth === "number" ? state.gradientDepth > 0 : true;
}

/**
 * Wraps `kernel(logitsData, wantGrad)` as a scalar op of `logits` whose gradient is the
 * kernel's closed-form gradient. The gradient is only computed while a tape records.
 */
export function typedLovaszOp(
  logits: tf.Tensor,
  kernel: (data: Float32Array, wantGrad: boolean) => LovaszResult,
): tf.Scalar {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const data = x.dataSync() as Float32Array;
    const shape = x.shape;
    let r = kernel(data, taping());
    return {
      value: tf.scalar(r.loss),
      gradFunc: (dy: tf.Tensor) => {
        if (r.grad === null) r = kernel(data, true);
        return tf.mul(dy, tf.tensor(r.grad!, shape, "float32"));
      },
    };
  });
  return f(logits) as tf.Scalar;
}
