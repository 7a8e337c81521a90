/**
 * The weight gradient of a 3×3, stride-1, dilation-1 convolution (NHWC) by Winograd's minimal
 * filtering, the transpose of the forward kernels ({@link ./conv2d_winograd.ts},
 * {@link ./conv2d_winograd.ts}): `dW = Gᵀ [Σ_tiles (Bᵀ d B) ⊙ (A dy Aᵀ)] G`, where `d` is a tile's
 * (m+2)×(m+2) input patch and `dy` its m×m output gradient. Per (input, output) channel pair and
 * output pixel the sum costs 4 multiplications with F(2×2, 3×3) (`m = 2`) and 2.25 with
 * F(4×4, 3×3) (`m = 4`) instead of the direct kernel's 9; the transforms are additions (and exact
 * multiplications by powers of two).
 *
 * The tiles are cut into blocks; the blocks are dealt out as `items` runs, each summed into its own
 * partial `M` (`[(m+2)², ci, co]`) by one thread in SIMD, and the host adds the partials in item
 * order and applies `Gᵀ · G` in float64 ({@link ./winograd_filter_final.ts}). The item count depends
 * only on the shape and the thread count, so two runs on the same machine give the same bits.
 *
 * Error: F(2×2, 3×3)'s coefficients are 0, ±1 and ±½, so it differs from the direct kernel by
 * rounding only; the tests hold it to 2·10⁻⁶ of the largest |dW|. F(4×4, 3×3)'s `Bᵀ` has
 * coefficients up to 5/2 and its `A` up to 8, so the float32 sums of the transformed products carry
 * more rounding into `dW`; the tests hold it to 1·10⁻⁵ of the largest |dW|, the forward kernel's
 * bound.
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import type { WasmBackend } from "../heap.ts";
import { kernelsFor } from "./fused_simd.ts";
import { runSplit, splitChunks, splitThreads } from "./helper_threads.ts";
import { PAD } from "./emit_conv2d_winograd.ts";
import { winogradFilterFinal } from "./winograd_filter_final.ts";

/**
 * Partial sums per thread: more would even out a thread the OS slows, but each costs a pass over `M`
 * (2 per thread measured 4–8 % slower on the U-Net's weight gradients).
 */
const PARTS_PER_THREAD = 1;

/** Most bytes all partials together may take (the OCR head's 3×3 720→512 needs 23.6 MiB each). */
const PARTS_BUDGET = 64 * 1024 * 1024;

/** Bytes of transformed inputs and gradients per block (half of a 512 KiB per-core L2). */
const BLOCK_BYTES = 256 * 1024;

/**
 * Below this many output pixels per plane the fixed costs (the partial sums' zeroing and final
 * pass) outweigh the saving. With the final pass in JavaScript, the U-Net's 8×8 and 16×16 layers at
 * batch 4 (256 and 1024 pixels) measured 1.4–3.4× slower than the direct kernel; with it on the
 * helper threads (`winograd_filter_final.ts`) the 16×16 ones pay (the U-Net's weight gradients
 * 57.7 → 53.6 ms per step, interleaved in one process), the 8×8 ones still do not.
 */
const MIN_PIXELS = 1024;

/** Tiles per block: its transformed inputs and gradients (α²·4·tb·(ci + ⌈co/8⌉·8) bytes) fill ~BLOCK_BYTES. */
export function gradBlock(ci: number, co: number, m: 2 | 4): number {
  const bytesPerTile = (m + 2) ** 2 * 4 * (ci + Math.ceil(co / 8) * 8);
  return Math.max(8, Math.min(256, Math.floor(BLOCK_BYTES / bytesPerTile / 4) * 4));
}

const ptr = (b: WasmBackend, i: tf.TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;

/** Output tiles of side `m` over `dy` (`[n, oh, ow, co]`). */
export function gradTiles(dyShape: number[], m: 2 | 4): number {
  return dyShape[0] * Math.ceil(dyShape[1] / m) * Math.ceil(dyShape[2] / m);
}

/** How many partial sums the gradient uses (0: Winograd does not pay or fit here). */
export function filterGradParts(backend: WasmBackend, dyShape: number[], ci: number, m: 2 | 4): number {
  const [n, oh, ow, co] = dyShape;
  if (n * oh * ow < MIN_PIXELS) return 0;
  const threads = splitThreads(backend);
  const blocks = Math.ceil(gradTiles(dyShape, m) / gradBlock(ci, co, m));
  const partBytes = (m + 2) ** 2 * ci * Math.ceil(co / 8) * 32;
  const parts = Math.min(blocks, PARTS_PER_THREAD * threads, Math.floor(PARTS_BUDGET / partBytes));
  return parts >= Math.min(threads, blocks) ? parts : 0;
}

/**
 * `dW` (new backend data, `[3, 3, ci, co]`) of the 3×3 stride-1 convolution of NHWC `x` that gave
 * the output gradient `dy`, with `pt`/`pl` zero rows/columns before `x`, by F(`m`×`m`, 3×3); null
 * where {@linkcode filterGradParts} says no. Needs `ci` and `co` multiples of 4 and the SIMD module.
 */
export function convFilterGradWinograd(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  p: { pt: number; pl: number },
  m: 2 | 4,
): tf.TensorInfo | null {
  const [n, h, w, ci] = x.shape, [, oh, ow, co] = dy.shape;
  const items = filterGradParts(backend, dy.shape, ci, m);
  if (items === 0 || !kernelsFor(backend)) return null;
  const planes = (m + 2) ** 2, tb = gradBlock(ci, co, m), cop = Math.ceil(co / 8) * 8;
  const blocks = Math.ceil(gradTiles(dy.shape, m) / tb), chunks = splitChunks(backend, items);
  const slotBytes = planes * (tb * ci * 4 + PAD) + planes * (tb * cop * 4 + PAD) + PAD;
  const partFloats = planes * ci * cop;
  const bytes = chunks * slotBytes + items * partFloats * 4 + Math.max(ci, co) * 4;
  const base = backend.wasm._malloc(bytes + 16) >>> 0;
  try {
    const scratch = ((base + 15) & ~15) >>> 0;
    const parts = scratch + chunks * slotBytes, zero = parts + items * partFloats * 4;
    new Float32Array(backend.wasm.HEAPU8.buffer, zero, Math.max(ci, co)).fill(0); // the kernel zeroes the rest
    const name = m === 2 ? "conv_filter_grad_winograd" : "conv_filter_grad_winograd4";
    const shape = [n, h, w, ci, oh, ow, co, p.pt, p.pl];
    runSplit(backend, name, [
      ptr(backend, x),
      ptr(backend, dy),
      parts,
      scratch,
      slotBytes,
      zero,
      ...shape,
      tb,
      blocks,
      items,
      chunks,
    ], items);
    return winogradFilterFinal(backend, parts, m, items, ci, co, cop);
  } finally {
    backend.wasm._free(base);
  }
}
