/**
 * `Conv2DBackpropFilter` for `wasm` (the shipped backend has none, so no conv2d, fused conv2d,
 * separable or transposed convolution could train). The weight gradient
 * `dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, ci] · dy[n,oh,ow,co]`
 * is a convolution too: of `x` transposed to `[Ci,H,W,N]` (the batch becomes the channels)
 * with `dy` transposed to `[OH,OW,N,Co]` as the filter, stride = the dilation and dilation = the
 * stride — so it runs on the backend's XNNPACK `Conv2D`. Honours a `dilations` attribute.
 * @module
 */
import { tf } from "../tf.ts";
import { callKernel, type KernelArgs, release, type TensorInfo } from "./heap.ts";
import { transposeInfo } from "./conv2d_backprop_input.ts";

/** The kernel function. */
export function conv2DBackpropFilter({ inputs, attrs, backend }: KernelArgs): TensorInfo {
  let { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const dilations = (attrs.dilations ?? 1) as number | [number, number];
  const temps: TensorInfo[] = [];
  try {
    if (dataFormat === "NCHW") {
      x = transposeInfo(backend, x, [0, 2, 3, 1]);
      dy = transposeInfo(backend, dy, [0, 2, 3, 1]);
      temps.push(x, dy);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      dilations,
      pad,
      dimRoundingMode,
      false,
      "channelsLast",
    );
    const [kh, kw, ci, co] = filterShape;
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
    const pt = info.padInfo.top, pl = info.padInfo.left;
    // Bottom/right padding so that the "output" of the transposed conv covers all KH×KW taps.
    const pb = Math.max(0, (kh - 1) * dh + (oh - 1) * sh + 1 - h - pt);
    const pr = Math.max(0, (kw - 1) * dw + (ow - 1) * sw + 1 - w - pl);
    const xT = transposeInfo(backend, x, [3, 1, 2, 0]); // [Ci,H,W,N]
    temps.push(xT);
    const dyT = transposeInfo(backend, dy, [1, 2, 0, 3]); // [OH,OW,N,Co]
    temps.push(dyT);
    let g = callKernel("Conv2D", { x: xT, filter: dyT }, {
      strides: [dh, dw],
      dilations: [sh, sw],
      pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]],
      dataFormat: "NHWC",
    }, backend); // [Ci, ≥KH, ≥KW, Co]
    if (g.shape[1] !== kh || g.shape[2] !== kw) {
      temps.push(g);
      g = callKernel("Slice", { x: g }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] }, backend);
    }
    temps.push(g);
    return transposeInfo(backend, g, [1, 2, 0, 3]);
  } finally {
    release(backend, ...temps);
  }
}
