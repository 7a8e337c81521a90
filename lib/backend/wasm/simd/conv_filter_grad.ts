/**
 * The weight gradient of a 2-D convolution as a SIMD kernel over the wasm heap, split across
 * threads:
 * `dW[i, j, c, o] = Σ_{b, y, u} x[b, y·sh + i·dh − pt, u·sw + j·dw − pl, c] · dy[b, y, u, o]`.
 *
 * The output is cut into tiles of 4 input channels × 8 output channels of one tap `(i, j)`; a
 * tile's 32 sums stay in registers while it runs along one output row (the input row it reads
 * and the output-gradient row are in cache: every row is read once per tile, no im2col copy),
 * then are added to `dW`. Each thread owns a range of tiles, so no partial results are merged.
 * This replaced XNNPACK convolutions over a row layout, whose weight packing (the output gradient
 * was the "filter": ~2.5 ms per MiB, one thread) cost as much as the arithmetic.
 *
 * Needs a channel count `Co` that is a multiple of 4; any `Ci`, strides, dilations and padding.
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import { f32, type WasmBackend } from "../heap.ts";
import { kernelsFor } from "./fused_simd.ts";
import { runSplit } from "./helper_threads.ts";

/** Bytes of `x` and `dy` rows one block may touch (half of a 512 KiB–1 MiB per-core L2). */
const BLOCK_BYTES = 256 * 1024;

const ptr = (b: WasmBackend, i: tf.TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;

/**
 * `dW` (new backend data, `[KH, KW, Ci, Co]`) for NHWC `x` and `dy`, or null where the kernel
 * does not apply (no SIMD module for this heap, or `Co` not a multiple of 4).
 */
export function convFilterGradSimd(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): tf.TensorInfo | null {
  const [kh, kw, ci, co] = filterShape;
  if (co % 4 !== 0 || !kernelsFor(backend)) return null;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const out = backend.makeOutput(filterShape, "float32");
  f32(backend, out).fill(0);
  const tiles = kh * kw * Math.ceil(ci / 4) * Math.ceil(co / 8);
  const args = [
    ptr(backend, x),
    ptr(backend, dy),
    ptr(backend, out),
    n,
    h,
    w,
    ci,
    oh,
    ow,
    co,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
  ];
  // Output rows per block: each brings ~sh input rows and one dy row (plus the KH-row halo).
  const rowBytes = (sh * w * ci + ow * co) * 4;
  const block = Math.max(1, Math.floor((BLOCK_BYTES - kh * w * ci * 4) / rowBytes));
  runSplit(backend, "conv_filter_grad", [...args, info.padInfo.top, info.padInfo.left, block], tiles);
  return out;
}
