/**
 * `Conv2D` for `wasm`: seglab's SIMD direct convolution ({@link ./simd/conv2d_direct.ts}: fused
 * multiply-add, on every thread; 12% faster than XNNPACK over the U-Net's layers) where it
 * applies — NHWC float32, a multiple of 4 output channels, at least 8 input channels and a
 * filter larger than 1×1 — and the shipped XNNPACK kernel otherwise. The forward convolution of training; the
 * filter is packed on each call (XNNPACK packs it too, and a trained filter changes every step).
 * @module
 */
import { tf } from "../../core/tf.ts";
import { callOriginal, type KernelArgs, release, type TensorInfo } from "./heap.ts";
import { conv2dDirect, conv2dDirectApplies, packFilter } from "./simd/conv2d_direct.ts";

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
  const packed = packFilter(
    backend,
    [kh, kw, ci, co],
    filter,
    (i, j, c, o) => ((i * kw + j) * ci + c) * co + o,
  );
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
