/**
 * The gradient of `TopK` for its values (missing in tfjs-core on every backend): each value's
 * gradient goes back to the position it was taken from. One `unsortedSegmentSum` over the
 * flattened positions, so cost is linear in the input even when `k` equals the last dimension.
 * @module
 */
import { tf } from "../../core/tf.ts";

/** Gradient config for `TopK` (the indices output has no gradient). */
export const topKGradConfig: tf.GradConfig = {
  kernelName: "TopK",
  inputsToSave: ["x"],
  outputsToSave: [false, true],
  gradFunc: (dys, saved) => {
    const [x, indices] = saved;
    const dy = Array.isArray(dys) ? dys[0] : dys;
    return {
      x: () =>
        tf.tidy(() => {
          const n = x.shape[x.rank - 1];
          const k = indices.shape[indices.rank - 1];
          const rows = x.size / n;
          const base = tf.reshape(tf.mul(tf.range(0, rows, 1, "int32"), tf.scalar(n, "int32")), [rows, 1]);
          const flat: tf.Tensor1D = tf.reshape(tf.add(tf.reshape(indices, [rows, k]), base), [rows * k]);
          return tf.reshape(tf.unsortedSegmentSum(tf.reshape(dy, [rows * k]), flat, rows * n), x.shape);
        }),
    };
  },
};
