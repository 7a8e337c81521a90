/**
 * The gradient of `Conv2D` with dilation rates > 1, which TensorFlow.js refuses ("dilation rates
 * greater than 1 are not yet supported in gradients") on every backend. With dilation 1 it is
 * tfjs-core's gradient. With dilation > 1 it asks seglab's wasm kernels directly (they take a
 * `dilations` attribute); elsewhere it differentiates the equivalent dense, zero-inserted filter.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { runKernel } from "./run_kernel.ts";
import { dilateFilter, dilationPair, kernelsTakeDilations, undilateFilterGrad } from "./dilate_filter.ts";

/** Gradient config for `Conv2D`. */
export const conv2DGradConfig: tf.GradConfig = {
  kernelName: "Conv2D",
  inputsToSave: ["x", "filter"],
  gradFunc: (dys, saved, attrs) => {
    const dy = dys as tf.Tensor;
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dataFormat, dimRoundingMode } = attrs as unknown as tf.Conv2DAttrs;
    const [dh, dw] = dilationPair((attrs as unknown as tf.Conv2DAttrs).dilations);
    const dy4 = dy as tf.Tensor4D;
    const common = { strides, pad, dataFormat, dimRoundingMode };
    if ((dh === 1 && dw === 1) || kernelsTakeDilations("Conv2DBackpropInput")) {
      const dilations = [dh, dw];
      return {
        x: () =>
          runKernel("Conv2DBackpropInput", { dy: dy4, filter }, {
            ...common,
            inputShape: x.shape,
            dilations,
          }),
        filter: () =>
          runKernel("Conv2DBackpropFilter", { x, dy: dy4 }, {
            ...common,
            filterShape: filter.shape,
            dilations,
          }),
      };
    }
    return {
      x: () =>
        tf.tidy(() => {
          const dense = dilateFilter(filter, dh, dw);
          return runKernel("Conv2DBackpropInput", { dy: dy4, filter: dense }, {
            ...common,
            inputShape: x.shape,
          });
        }),
      filter: () =>
        tf.tidy(() => {
          const shape = [
            (filter.shape[0] - 1) * dh + 1,
            (filter.shape[1] - 1) * dw + 1,
            filter.shape[2],
            filter.shape[3],
          ];
          const g = runKernel("Conv2DBackpropFilter", { x, dy: dy4 }, {
            ...common,
            filterShape: shape,
          }) as tf.Tensor4D;
          return undilateFilterGrad(g, dh, dw);
        }),
    };
  },
};
