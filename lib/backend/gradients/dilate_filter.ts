/**
 * Zero-insertion of a convolution filter along its two spatial axes: a filter with dilation `d`
 * acts exactly like the dense filter of size `(K−1)·d + 1` with zeros between the taps. This turns
 * the gradient of a dilated convolution into gradients of ordinary ones on any backend.
 * @module
 */
import { tf } from "../../core/tf.ts";

/** `[KH,KW,A,B]` → `[(KH−1)·dh+1, (KW−1)·dw+1, A, B]`, taps at multiples of the dilation. */
export function dilateFilter(filter: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  if (dh === 1 && dw === 1) return filter;
  return tf.tidy((): tf.Tensor4D => {
    const [kh, kw, a, b] = filter.shape;
    const spread = tf.pad(tf.reshape(filter, [kh, 1, kw, 1, a, b]), [
      [0, 0],
      [0, dh - 1],
      [0, 0],
      [0, dw - 1],
      [0, 0],
      [0, 0],
    ]);
    return tf.slice(tf.reshape(spread, [kh * dh, kw * dw, a, b]), [0, 0, 0, 0], [
      (kh - 1) * dh + 1,
      (kw - 1) * dw + 1,
      a,
      b,
    ]) as tf.Tensor4D;
  });
}

/** The taps of a dilated filter's gradient: every `dh`-th row and `dw`-th column. */
export function undilateFilterGrad(grad: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  if (dh === 1 && dw === 1) return grad;
  const [h, w, a, b] = grad.shape;
  return tf.stridedSlice(grad, [0, 0, 0, 0], [h, w, a, b], [dh, dw, 1, 1]) as tf.Tensor4D;
}

/** `[dh, dw]` from a conv `dilations` attribute (a number, a pair, or absent). */
export function dilationPair(d: number | number[] | null | undefined): [number, number] {
  if (d == null) return [1, 1];
  return typeof d === "number" ? [d, d] : [d[0], d[1]];
}

/** True when the backend's conv gradient kernels are seglab's and honour a `dilations` attribute. */
export function kernelsTakeDilations(kernelName: string): boolean {
  const k = tf.getKernel(kernelName, tf.getBackend()) as { seglab?: boolean } | undefined;
  return k?.seglab === true;
}
