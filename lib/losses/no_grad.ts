/**
 * `withoutGradient(fn)(x)`: `fn(x)` as a constant of `x` for the gradient tape — for selections
 * (top-k masks, thresholds) computed on the device from the values being differentiated, whose
 * ops (`TopK`, comparisons) have no gradient in TensorFlow.js.
 * @module
 */
import { tf } from "../core/tf.ts";

/** Wraps `fn` so that its output is recorded with a zero gradient. */
export function withoutGradient<T extends tf.Tensor>(fn: (x: tf.Tensor) => T): (x: tf.Tensor) => T {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    return { value: fn(x), gradFunc: (_dy: tf.Tensor) => tf.zerosLike(x) };
  });
  return (x: tf.Tensor) => f(x) as T;
}
