/**
 * `DepthwiseConv2dNativeBackpropInput` for `wasm` (missing in the shipped backend): like the
 * dense case, a stride-1 depthwise convolution of the spread output gradient with the flipped
 * filter (`[KH,KW,C·M,1]`) on the backend's own `DepthwiseConv2dNative`, then a sum over the
 * channel multiplier `M`. Honours dilations.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { callKernel, f32, type KernelArgs, release, reshapeInfo, type TensorInfo } from "./heap.ts";
import { backpropInputNHWC } from "./conv2d_backprop_input.ts";

/** The kernel function. */
export function depthwiseConv2dNativeBackpropInput({ inputs, attrs, backend }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs;
  const { strides, pad, dimRoundingMode, inputShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const dilations = (attrs.dilations ?? 1) as number | [number, number];
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const [kh, kw, c, m] = filter.shape;
  // Flipped filter, one output channel per (c, m): [KH, KW, C·M, 1].
  const flipped = backend.makeOutput([kh, kw, c * m, 1], "float32");
  const src = f32(backend, filter), dst = f32(backend, flipped);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      const s0 = (y * kw + x) * c * m, d0 = ((kh - 1 - y) * kw + (kw - 1 - x)) * c * m;
      for (let k = 0; k < c * m; k++) dst[d0 + k] = src[s0 + k];
    }
  }
  let dx: TensorInfo;
  try {
    dx = backpropInputNHWC(
      backend,
      dy,
      info,
      (input, p) =>
        callKernel("DepthwiseConv2dNative", { x: input, filter: flipped }, {
          strides: [1, 1],
          pad: p,
          dilations: [info.dilationHeight, info.dilationWidth],
        }, backend),
    );
  } finally {
    release(backend, flipped);
  }
  if (m === 1) return dx;
  const [n, h, w] = dx.shape;
  const r = reshapeInfo(backend, dx, [n, h, w, c, m]);
  release(backend, dx);
  const out = callKernel("Sum", { x: r }, { axis: [4], keepDims: false }, backend);
  release(backend, r);
  return out;
}
