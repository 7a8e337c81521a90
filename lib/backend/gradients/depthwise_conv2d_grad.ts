/**
 * The gradient of `DepthwiseConv2dNative` with dilation rates > 1 (refused by tfjs-core on every
 * backend), as for {@link ./conv2d_grad.ts}: seglab's wasm kernels take the dilation directly,
 * other backends differentiate the equivalent zero-inserted dense filter.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { runKernel } from "./run_kernel.ts";
import { dilateFilter, dilationPair, kernelsTakeDilations, undilateFilterGrad } from "./dilate_filter.ts";

/** Gradient config for `DepthwiseConv2dNative`. */
export const depthwiseConv2dGradConfig: tf.GradConfig = {
  kernelName: "DepthwiseConv2dNative",
  inputsToSave: ["x", "filter"],
  gradFunc: (dys, saved, attrs) => {
    const dy = dys as tf.Tensor;
    const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
    const { strides, pad, dimRoundingMode } = attrs as unknown as tf.DepthwiseConv2dNativeAttrs;
    const [dh, dw] = dilationPair((attrs as unknown as tf.DepthwiseConv2dNativeAttrs).dilations);
    const common = { strides, pad, dimRoundingMode };
    const direct = (dh === 1 && dw === 1) || kernelsTakeDilations("DepthwiseConv2dNativeBackpropInput");
    if (direct) {
      const dilations = [dh, dw];
      return {
        x: () =>
          runKernel("DepthwiseConv2dNativeBackpropInput", { dy, filter }, {
            ...common,
            dilations,
            inputShape: x.shape,
          }),
        filter: () =>
          runKernel("DepthwiseConv2dNativeBackpropFilter", { x, dy }, {
            ...common,
            dilations,
            filterShape: filter.shape,
          }),
      };
    }
    return {
      x: () =>
        tf.tidy(() => {
          const dense = dilateFilter(filter, dh, dw);
          return runKernel("DepthwiseConv2dNativeBackpropInput", { dy, filter: dense }, {
            ...common,
            dilations: [1, 1],
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
          const g = runKernel("DepthwiseConv2dNativeBackpropFilter", { x, dy }, {
            ...common,
            dilations: [1, 1],
            filterShape: shape,
          }) as tf.Tensor4D;
          return undilateFilterGrad(g, dh, dw);
        }),
    };
  },
};
