/**
 * The weight gradient of a 3×3, stride-1, dilation-1 convolution (NHWC) by Winograd's
 * F(2×2, 3×3), the transpose of the forward kernel ({@link ./conv2d_winograd.ts}):
 * `dW = Gᵀ [Σ_tiles (Bᵀ d B) ⊙ (A dy Aᵀ)] G`, where `d` is a tile's 4×4 input patch and `dy` its
 * 2×2 output gradient. Per (input, output) channel pair the sum costs 16 multiplications per tile
 * instead of the direct kernel's 36 (2.25× fewer); the transforms are additions only.
 *
 * The tiles are cut into blocks; the blocks are dealt out as `items` runs, each summed into its own
 * partial `M` (`[16, ci, co]`) by one thread in SIMD, and the host adds the partials in item order
 * and applies `Gᵀ · G` in float64. The item count depends only on the shape and the thread count,
 * so two runs on the same machine give the same bits.
 *
 * Error: like the forward kernel's, rounding only (coefficients 0, ±1, ±½). The sum over tiles in
 * the transformed domain adds up to 16 products per tile where the direct kernel adds 36, and the
 * transform mixes up to 4 of those sums per element; the tests hold the result to 2·10⁻⁶ of the
 * largest |dW| against the direct kernel and the cpu backend.
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import { f32, type WasmBackend } from "../heap.ts";
import { kernelsFor } from "./fused_simd.ts";
import { runSplit, splitChunks, splitThreads } from "./helper_threads.ts";
import { PAD } from "./emit_conv2d_winograd.ts";

/** Partial sums per thread: more even out a thread the OS slows; each costs a pass over `M`. */
const PARTS_PER_THREAD = 2;

/** Most bytes all partials together may take (the OCR head's 3×3 720→512 needs 23.6 MiB each). */
const PARTS_BUDGET = 64 * 1024 * 1024;

/** Bytes of transformed inputs and gradients per block (half of a 512 KiB per-core L2). */
const BLOCK_BYTES = 256 * 1024;

/**
 * Below this many tiles the fixed costs (the partial sums' zeroing and final pass) outweigh the
 * saving: the U-Net's 8×8 and 16×16 layers at batch 4 (64 and 256 tiles) measured 1.4–3.4× slower
 * than the direct kernel, its 32×32 ones (1024 tiles) 1.4–1.8× faster (`bench/conv_grads.ts`).
 */
const MIN_TILES = 512;

/** Tiles per block: its transformed inputs and gradients (64·tb·(ci + ⌈co/8⌉·8) bytes) fill ~BLOCK_BYTES. */
export function gradBlock(ci: number, co: number): number {
  const bytesPerTile = 64 * (ci + Math.ceil(co / 8) * 8);
  return Math.max(8, Math.min(256, Math.floor(BLOCK_BYTES / bytesPerTile / 4) * 4));
}

const ptr = (b: WasmBackend, i: tf.TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;

/** How many partial sums a gradient of this size uses (0: Winograd does not pay or fit here). */
export function filterGradParts(backend: WasmBackend, tiles: number, ci: number, co: number): number {
  if (tiles < MIN_TILES) return 0;
  const threads = splitThreads(backend);
  const blocks = Math.ceil(tiles / gradBlock(ci, co));
  const partBytes = 16 * ci * Math.ceil(co / 8) * 32;
  const parts = Math.min(blocks, PARTS_PER_THREAD * threads, Math.floor(PARTS_BUDGET / partBytes));
  return parts >= Math.min(threads, blocks) ? parts : 0;
}

/** Whether {@linkcode convFilterGradWinograd} runs here for `ci` input and `co` output channels. */
export function convFilterGradWinogradApplies(backend: WasmBackend, ci: number, co: number): boolean {
  return ci % 4 === 0 && co % 4 === 0 && kernelsFor(backend) !== null;
}

/**
 * `dW` (new backend data, `[3, 3, ci, co]`) of the 3×3 stride-1 convolution of NHWC `x` that gave
 * the output gradient `dy`, with `pt`/`pl` zero rows/columns before `x`; null where
 * {@linkcode filterGradParts} says no. Check {@linkcode convFilterGradWinogradApplies} first.
 */
export function convFilterGradWinograd(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  p: { pt: number; pl: number },
): tf.TensorInfo | null {
  const [n, h, w, ci] = x.shape, [, oh, ow, co] = dy.shape;
  const tiles = n * Math.ceil(oh / 2) * Math.ceil(ow / 2);
  const items = filterGradParts(backend, tiles, ci, co);
  if (items === 0) return null;
  const tb = gradBlock(ci, co), blocks = Math.ceil(tiles / tb), cop = Math.ceil(co / 8) * 8;
  const chunks = splitChunks(backend, items);
  const slotBytes = 16 * (tb * ci * 4 + PAD) + 16 * (tb * cop * 4 + PAD) + PAD;
  const partFloats = 16 * ci * cop;
  const bytes = chunks * slotBytes + items * partFloats * 4 + Math.max(ci, co) * 4;
  const base = backend.wasm._malloc(bytes + 16) >>> 0;
  try {
    const scratch = ((base + 15) & ~15) >>> 0;
    const parts = scratch + chunks * slotBytes, zero = parts + items * partFloats * 4;
    backend.wasm.HEAPU8.fill(0, scratch, scratch + bytes);
    runSplit(backend, "conv_filter_grad_winograd", [
      ptr(backend, x),
      ptr(backend, dy),
      parts,
      scratch,
      slotBytes,
      zero,
      n,
      h,
      w,
      ci,
      oh,
      ow,
      co,
      p.pt,
      p.pl,
      tb,
      blocks,
      items,
      chunks,
    ], items);
    const out = backend.makeOutput([3, 3, ci, co], "float32");
    const m = new Float32Array(backend.wasm.HEAPU8.buffer, parts, items * partFloats);
    finalTransform(m, items, ci, co, cop, f32(backend, out));
    return out;
  } finally {
    backend.wasm._free(base);
  }
}

/**
 * `dW[i, j, c, o] = Σ_{a,e} G[a][i]·G[e][j]·Σ_k M_k[a·4 + e, c, o]`, in float64 (`G`'s products
 * spelled out: columns 0 and 3 of `M` enter one output each, 1 and 2 by halves).
 */
function finalTransform(
  m: Float32Array,
  items: number,
  ci: number,
  co: number,
  cop: number,
  dw: Float32Array,
) {
  const p = ci * co, sum = new Float64Array(16 * p), t = new Float64Array(12);
  for (let k = 0; k < items; k++) {
    for (let r = 0, at = k * 16 * ci * cop, s = 0; r < 16 * ci; r++, at += cop) {
      for (let o = 0; o < co; o++) sum[s++] += m[at + o];
    }
  }
  for (let q = 0; q < p; q++) {
    for (let a = 0, r = q; a < 4; a++, r += 4 * p) { // t[a][j] = Σ_e M[a, e]·G[e][j]
      const m0 = sum[r], m1 = sum[r + p], m2 = sum[r + 2 * p], m3 = sum[r + 3 * p], h = 0.5 * (m1 + m2);
      t[a * 3] = m0 + h;
      t[a * 3 + 1] = 0.5 * (m1 - m2);
      t[a * 3 + 2] = h - m3;
    }
    for (let j = 0; j < 3; j++) { // dW[i][j] = Σ_a G[a][i]·t[a][j]
      const m0 = t[j], m1 = t[3 + j], m2 = t[6 + j], m3 = t[9 + j], h = 0.5 * (m1 + m2);
      dw[j * p + q] = m0 + h;
      dw[(3 + j) * p + q] = 0.5 * (m1 - m2);
      dw[(6 + j) * p + q] = h - m3;
    }
  }
}
