/**
 * Reference gradients for pure data-movement ops (slices, gathers, rearrangements): applying the
 * op to a tensor of flat indices says where each output element came from, so the gradient of
 * `Σ f(x)·r` is `r` scatter-added to those positions — computed here in plain JavaScript.
 */
import { tf } from "../../../lib/mod.ts";

/** The exact gradient of `x ↦ Σ f(x)·r` for a data-movement `f`, as a flat array. */
export function movementGradient(
  f: (x: tf.Tensor) => tf.Tensor,
  xShape: number[],
  r: ArrayLike<number>,
): Float64Array {
  const size = xShape.reduce((a, b) => a * b, 1);
  const src = tf.tidy(() => f(tf.reshape(tf.range(0, size, 1, "float32"), xShape)).dataSync());
  const g = new Float64Array(size);
  for (let j = 0; j < src.length; j++) g[src[j]] += r[j];
  return g;
}
