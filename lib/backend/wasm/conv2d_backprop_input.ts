/**
 * `Conv2DBackpropInput` for `wasm`, replacing the shipped kernel (a scalar loop at ~1.5 GFLOP/s):
 * the input gradient of a convolution is itself a stride-1 convolution — of the output gradient,
 * spread by the stride, with the spatially flipped filter whose channel axes are swapped. It runs
 * on seglab's SIMD direct convolution ({@link ./simd/conv2d_direct.ts}, on every thread; ~20%
 * faster than XNNPACK on the U-Net's layers) when the input has a multiple of 4 channels, else on
 * the backend's own XNNPACK `Conv2D` (either is ~10× the shipped loop). Also the forward pass of
 * `conv2dTranspose`. Honours a `dilations` attribute (seglab's dilated-conv gradient). A 3×3
 * stride-1 convolution's gradient may run Winograd F(2×2, 3×3) or F(4×4, 3×3) instead, as the
 * fixed rule of {@link ./conv3x3_choice.ts} says.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { callKernel, f32, type KernelArgs, release, type TensorInfo, type WasmBackend } from "./heap.ts";
import { spreadNHWC } from "./spread.ts";
import { conv2dDirect, conv2dDirectApplies, packFilter } from "./simd/conv2d_direct.ts";
import { conv2dWinograd } from "./simd/conv2d_winograd.ts";
import { flippedLayout, transformFilter } from "./simd/winograd_filter.ts";
import { runConv3x3, winograd4Preferred } from "./conv3x3_choice.ts";
import { winogradShape } from "./conv2d.ts";

/** `W[kh,kw,ci,co]` → `W'[KH−1−kh, KW−1−kw, co, ci]` (new backend data). */
function flipSwap(backend: WasmBackend, filter: TensorInfo): TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const out = backend.makeOutput([kh, kw, co, ci], "float32");
  const src = f32(backend, filter), dst = f32(backend, out);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      const s0 = (y * kw + x) * ci * co;
      const d0 = ((kh - 1 - y) * kw + (kw - 1 - x)) * co * ci;
      for (let i = 0; i < ci; i++) for (let o = 0; o < co; o++) dst[d0 + o * ci + i] = src[s0 + i * co + o];
    }
  }
  return out;
}

/**
 * Computes `dx` (NHWC, shape `inputShape`) for `y = conv2d(x, filter, strides, pad, dilations)`
 * from `dy` with backend kernels. `flipped` is `filter` flipped and channel-swapped (see
 * {@linkcode flipSwap}) or, for depthwise use, anything the `conv` callback accepts.
 */
export function backpropInputNHWC(
  backend: WasmBackend,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  conv: (input: TensorInfo, pad: number[][]) => TensorInfo,
): TensorInfo {
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: ekh, effectiveFilterWidth: ekw } = info;
  const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  // Padding of the spread dy so that a stride-1 conv with the flipped filter gives H×W.
  const top = ekh - 1 - pt, left = ekw - 1 - pl;
  const bottom = h - ((oh - 1) * sh + 1) + pt, right = w - ((ow - 1) * sw + 1) + pl;
  const needSpread = sh > 1 || sw > 1 || top < 0 || bottom < 0 || left < 0 || right < 0;
  const src = needSpread
    ? spreadNHWC(backend, dy, sh, sw, {
      top: Math.min(0, top),
      bottom: Math.min(0, bottom),
      left: Math.min(0, left),
      right: Math.min(0, right),
    })
    : dy;
  const pad = [[0, 0], [Math.max(0, top), Math.max(0, bottom)], [Math.max(0, left), Math.max(0, right)], [
    0,
    0,
  ]];
  try {
    return conv(src, pad);
  } finally {
    if (src !== dy) release(backend, src);
  }
}

/** Moves an NCHW tensor to NHWC (or back with `toNCHW`) with the backend's Transpose. */
export function transposeInfo(backend: WasmBackend, x: TensorInfo, perm: number[]): TensorInfo {
  return callKernel("Transpose", { x }, { perm }, backend);
}

/**
 * The input gradient by a stride-1 convolution of the spread `dy`: seglab's SIMD direct convolution
 * where it applies (the gradient's channels a multiple of 4), with the flipped, channel-swapped
 * filter packed for it; else XNNPACK's Conv2D.
 */
function backpropGeneral(
  backend: WasmBackend,
  dyNHWC: TensorInfo,
  filter: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  flippedIndex: (i: number, j: number, c: number, o: number) => number,
): TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const direct = conv2dDirectApplies(backend, ci);
  const flipped = direct
    ? packFilter(backend, [kh, kw, co, ci], filter, flippedIndex)
    : flipSwap(backend, filter);
  try {
    return backpropInputNHWC(
      backend,
      dyNHWC,
      info,
      (input, p) =>
        direct
          ? conv2dDirect(backend, input, flipped, {
            kh,
            kw,
            co: ci,
            oh: info.inHeight,
            ow: info.inWidth,
            sh: 1,
            sw: 1,
            dh: info.dilationHeight,
            dw: info.dilationWidth,
            pt: p[1][0],
            pl: p[2][0],
          })
          : callKernel("Conv2D", { x: input, filter: flipped }, {
            strides: [1, 1],
            pad: p,
            dataFormat: "NHWC",
            dilations: [info.dilationHeight, info.dilationWidth],
          }, backend),
    );
  } finally {
    release(backend, flipped);
  }
}

/** The kernel function. */
export function conv2DBackpropInput({ inputs, attrs, backend }: KernelArgs): TensorInfo {
  const { dy, filter } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, inputShape } =
    attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const dilations = (attrs.dilations ?? 1) as number | [number, number];
  const nchw = dataFormat === "NCHW";
  const xShape = nchw ? [inputShape[0], inputShape[2], inputShape[3], inputShape[1]] : [...inputShape];
  const dyNHWC = nchw ? transposeInfo(backend, dy, [0, 2, 3, 1]) : dy;
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filter.shape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    false,
    "channelsLast",
  );
  const [kh, kw, ci, co] = filter.shape;
  // A 3×3 stride-1 convolution's input gradient is a 3×3 stride-1 convolution of dy (padded, not
  // spread): Winograd F(2×2, 3×3) or F(4×4, 3×3) may compute it, with the flipped, channel-swapped filter.
  const flippedIndex = (i: number, j: number, c: number, o: number) =>
    (((kh - 1 - i) * kw + (kw - 1 - j)) * ci + o) * co + c;
  const general = () => backpropGeneral(backend, dyNHWC, filter, info, flippedIndex);
  const wino = winogradShape(backend, info, co, ci)
    ? () =>
      backpropInputNHWC(backend, dyNHWC, info, (input, p) => {
        const u = transformFilter(backend, co, ci, filter, flippedLayout(ci, co), 2);
        try {
          return conv2dWinograd(backend, input, u, {
            co: ci,
            oh: info.inHeight,
            ow: info.inWidth,
            pt: p[1][0],
            pl: p[2][0],
          });
        } finally {
          release(backend, u);
        }
      })
    : null;
  const wino4 = wino
    ? {
      run: () =>
        backpropInputNHWC(backend, dyNHWC, info, (input, p) => {
          const u = transformFilter(backend, co, ci, filter, flippedLayout(ci, co), 4);
          try {
            const q = { co: ci, oh: info.inHeight, ow: info.inWidth, pt: p[1][0], pl: p[2][0] };
            return conv2dWinograd(backend, input, u, q, 4);
          } finally {
            release(backend, u);
          }
        }),
      preferred: winograd4Preferred(info.inHeight, info.inWidth, co, ci),
    }
    : null;
  let dx: TensorInfo;
  try {
    dx = runConv3x3(
      `dx ${info.outHeight}x${info.outWidth}x${co}→${xShape.join("x")}`,
      general,
      wino,
      wino4,
    );
  } finally {
    if (nchw) release(backend, dyNHWC);
  }
  if (!nchw) return dx;
  const out = transposeInfo(backend, dx, [0, 3, 1, 2]);
  release(backend, dx);
  return out;
}
