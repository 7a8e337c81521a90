/**
 * The gradient of `StridedSlice` (`tf.stridedSlice`, missing in tfjs-core on every backend): the
 * output gradient scattered back to the sliced positions, zeros elsewhere. Built from reshape,
 * pad, slice and reverse, so it runs (and differentiates again) on any backend. All masks
 * (begin/end/ellipsis/new-axis/shrink-axis) and negative strides are handled through tfjs-core's
 * own `slice_util.sliceInfo`.
 * @module
 */
import { tf } from "../../core/tf.ts";

/** Gradient config for `StridedSlice`. */
export const stridedSliceGradConfig: tf.GradConfig = {
  kernelName: "StridedSlice",
  inputsToSave: ["x"],
  gradFunc: (dys, saved, attrs) => {
    const dy = dys as tf.Tensor;
    const [x] = saved;
    const a = attrs as unknown as tf.StridedSliceAttrs;
    return {
      x: () => stridedSliceGrad(dy, x.shape, a),
    };
  },
};

/** `dx` of shape `xShape` for `dy = stridedSlice(x, …attrs)`. */
export function stridedSliceGrad(dy: tf.Tensor, xShape: number[], a: tf.StridedSliceAttrs): tf.Tensor {
  const info = tf.slice_util.sliceInfo(
    xShape,
    a.begin,
    a.end,
    a.strides,
    a.beginMask,
    a.endMask,
    a.ellipsisMask,
    a.newAxisMask,
    a.shrinkAxisMask,
  );
  const rank = xShape.length;
  const counts: number[] = [], first: number[] = [], step: number[] = [];
  for (let i = 0; i < rank; i++) {
    const s = info.strides[i], b = info.begin[i], e = info.end[i];
    const n = s > 0 ? Math.max(0, Math.ceil((e - b) / s)) : Math.max(0, Math.ceil((b - e) / -s));
    counts.push(n);
    step.push(Math.abs(s));
    first.push(s > 0 ? b : b + (n - 1) * s); // lowest index taken
  }
  if (counts.some((n) => n === 0)) return tf.zeros(xShape, dy.dtype);
  return tf.tidy(() => {
    let g = tf.reshape(dy, counts);
    const reversed = info.strides.map((s, i) => (s < 0 ? i : -1)).filter((i) => i >= 0);
    if (reversed.length) g = tf.reverse(g, reversed);
    if (step.some((s) => s > 1)) {
      // Zero-insert: [n0, n1, …] → [n0, 1, n1, 1, …] → pad to [n0, s0, …] → [n0·s0, …] → keep (n−1)·s+1.
      const inter: number[] = [];
      counts.forEach((n) => inter.push(n, 1));
      const pads: [number, number][] = [];
      step.forEach((s) => pads.push([0, 0], [0, s - 1]));
      g = tf.reshape(tf.pad(tf.reshape(g, inter), pads), counts.map((n, i) => n * step[i]));
      g = tf.slice(g, counts.map(() => 0), counts.map((n, i) => (n - 1) * step[i] + 1));
    }
    return tf.pad(
      g,
      xShape.map((d, i) => [first[i], d - first[i] - ((counts[i] - 1) * step[i] + 1)] as [number, number]),
    );
  });
}
