/**
 * `Conv2D` for `wasm`: seglab's SIMD direct convolution ({@link ./simd/conv2d_direct.ts}: fused
 * multiply-add, on every thread; 12% faster than XNNPACK over the U-Net's layers) where it
 * applies — NHWC float32, a multiple of 4 output channels, at least 8 input channels and a
 * filter larger than 1×1 — and the shipped XNNPACK kernel otherwise. 3×3 stride-1 convolutions
 * with channel counts that are multiples of 4 may run Winograd F(2×2, 3×3) or F(4×4, 3×3) instead
 * ({@link ./simd/conv2d_winograd.ts}), as the fixed rule of
 * {@link ./conv3x3_choice.ts} says. The forward convolution of training; the filter is packed (or
 * transformed) on each call (XNNPACK packs it too, and a trained filter changes every step).
 * @module
 */
import { tf } from "../../core/tf.ts";
import { callOriginal, type KernelArgs, release, type TensorInfo, type WasmBackend } from "./heap.ts";
import { conv2dDirect, conv2dDirectApplies, packFilter } from "./simd/conv2d_direct.ts";
import { conv2dWinograd, conv2dWinogradApplies } from "./simd/conv2d_winograd.ts";
import { hwioLayout, transformFilter } from "./simd/winograd_filter.ts";
import { runConv3x3, winograd4Preferred } from "./conv3x3_choice.ts";

/** The filter layout of `Conv2D`: `[kh, kw, ci, co]`. */
const hwio = (kw: number, ci: number, co: number) => (i: number, j: number, c: number, o: number) =>
  ((i * kw + j) * ci + c) * co + o;

/**
 * Whether a convolution is one Winograd F(2×2, 3×3) computes: 3×3, stride 1, dilation 1, channel
 * counts multiples of 4.
 */
export function winogradShape(
  backend: WasmBackend,
  info: tf.backend_util.Conv2DInfo,
  ci: number,
  co: number,
) {
  return info.filterHeight === 3 && info.filterWidth === 3 && info.strideHeight === 1 &&
    info.strideWidth === 1 && info.dilationHeight === 1 && info.dilationWidth === 1 &&
    conv2dWinogradApplies(backend, ci, co);
}

/**
 * Below this many input channels, or for 1×1 filters, the reduction per tile is too short for the
 * direct kernel's fixed costs and XNNPACK is faster (the U-Net's first layer and its head).
 */
const MIN_CHANNELS = 8;

/** The kernel function. */
export function conv2D(args: KernelArgs): TensorInfo {
  const { inputs: { x, filter }, backend } = args;
  const { strides, pad, dataFormat, dilations, dimRoundingMode } = args.attrs as unknown as tf.Conv2DAttrs;
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  if (
    dataFormat === "NCHW" || x.dtype !== "float32" || filter.dtype !== "float32" ||
    ci < MIN_CHANNELS || kh * kw === 1 || !conv2dDirectApplies(backend, co)
  ) {
    return callOriginal("Conv2D", args);
  }
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    [kh, kw, ci, co],
    strides,
    dilations ?? 1,
    pad,
    dimRoundingMode,
    false,
    "channelsLast",
  );
  const shape = `fwd x${x.shape.join("x")} co${co} p${info.padInfo.top},${info.padInfo.left}`;
  const winograd = winogradShape(backend, info, ci, co)
    ? () => {
      const u = transformFilter(backend, ci, co, filter, hwioLayout(ci, co), 2);
      try {
        return conv2dWinograd(backend, x, u, {
          co,
          oh: info.outHeight,
          ow: info.outWidth,
          pt: info.padInfo.top,
          pl: info.padInfo.left,
        });
      } finally {
        release(backend, u);
      }
    }
    : null;
  const p = { co, oh: info.outHeight, ow: info.outWidth, pt: info.padInfo.top, pl: info.padInfo.left };
  const winograd4 = winograd
    ? {
      run: () => {
        const u = transformFilter(backend, ci, co, filter, hwioLayout(ci, co), 4);
        try {
          return conv2dWinograd(backend, x, u, p, 4);
        } finally {
          release(backend, u);
        }
      },
      preferred: winograd4Preferred(p.oh, p.ow, ci, co),
    }
    : null;
  return runConv3x3(shape, () => direct(backend, x, filter, info), winograd, winograd4);
}

/** The direct SIMD convolution (filter packed for it on each call). */
function direct(backend: WasmBackend, x: TensorInfo, filter: TensorInfo, info: tf.backend_util.Conv2DInfo) {
  const [kh, kw, ci, co] = filter.shape as [number, number, number, number];
  const packed = packFilter(backend, [kh, kw, ci, co], filter, hwio(kw, ci, co));
  try {
    return conv2dDirect(backend, x, packed, {
      kh,
      kw,
      co,
      oh: info.outHeight,
      ow: info.outWidth,
      sh: info.strideHeight,
      sw: info.strideWidth,
      dh: info.dilationHeight,
      dw: info.dilationWidth,
      pt: info.padInfo.top,
      pl: info.padInfo.left,
    });
  } finally {
    release(backend, packed);
  }
}
