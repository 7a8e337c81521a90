/**
 * The gradient of `DepthToSpace` (missing in tfjs-core on every backend): the inverse
 * rearrangement (space-to-depth), as a reshape–transpose–reshape, for NHWC and NCHW.
 * @module
 */
import { tf } from "../../core/tf.ts";

/** Gradient config for `DepthToSpace`. */
export const depthToSpaceGradConfig: tf.GradConfig = {
  kernelName: "DepthToSpace",
  inputsToSave: ["x"],
  gradFunc: (dys, saved, attrs) => {
    const dy = dys as tf.Tensor;
    const [x] = saved;
    const { blockSize: b, dataFormat } = attrs as unknown as tf.DepthToSpaceAttrs;
    return {
      x: () =>
        tf.tidy(() => {
          if (dataFormat === "NCHW") {
            const [n, c, h, w] = x.shape; // dy: [n, c/b², h·b, w·b]; x channel = (i·b + j)·c' + k
            const co = c / (b * b);
            const t = tf.reshape(dy, [n, co, h, b, w, b]);
            return tf.reshape(tf.transpose(t, [0, 3, 5, 1, 2, 4]), x.shape);
          }
          const [n, h, w, c] = x.shape; // dy: [n, h·b, w·b, c/b²]
          const co = c / (b * b);
          const t = tf.reshape(dy, [n, h, b, w, b, co]);
          return tf.reshape(tf.transpose(t, [0, 1, 3, 2, 4, 5]), x.shape);
        }),
    };
  },
};
