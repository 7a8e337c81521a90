/**
 * A 3×3, stride-1, dilation-1 convolution (NHWC) by Winograd's minimal filtering (Lavin & Gray,
 * "Fast Algorithms for Convolutional Neural Networks", 2016) as a SIMD kernel over the wasm heap,
 * split across threads, F(2×2, 3×3) or F(4×4, 3×3). Each 2×2 output tile costs 16 multiplications
 * per (input, output) channel pair instead of the direct convolution's 36 (2.25× fewer), each 4×4
 * tile 36 (4× fewer), for the price of transforming each 4×4 or 6×6 input patch (`Bᵀ d B`) and each
 * tile's products back (`Aᵀ M A`). The filter is transformed once per call (`U = G g Gᵀ`, in
 * float64, on the helper threads: `winograd_filter.ts`).
 *
 * Error of F(2×2, 3×3): the transforms' coefficients are 0, ±1 and ±½, so the float32 result
 * differs from the direct convolution's by rounding only — a few units of 2⁻²⁴ times the sum of
 * |x|·|w| over the window (the input transform adds up to 4 inputs, the output transform up to 9
 * products, and `G` halves and adds 3 weights). The tests hold it to 2·10⁻⁶ of the largest |y| (it
 * measures ~3·10⁻⁷).
 *
 * Error of F(4×4, 3×3): larger — the transforms' coefficients reach 8 and 5/2, and the rounding of
 * the products' float32 sums over the input channels is multiplied by `Aᵀ`'s coefficients before the
 * output's cancellations. The interpolation points are 0, 1, −1, 1/2, −2 (and ∞) rather than Lavin &
 * Gray's 0, ±1, ±2: with 1/2 for 2, the absolute row sums of `Aᵀ` drop from 5, 6, 10, 19 to 5, 4.5,
 * 6.25, 11.1 (Barabasz et al., "Error analysis and improving the accuracy of Winograd convolution
 * for deep neural networks", 2020, study such point choices; the figures here are this project's
 * own). A float32 simulation over 64 channels gave a mean error of 1.3·10⁻⁶ of the tile's max |y|
 * against 2.3·10⁻⁶ for 0, ±1, ±2 (and 2.1·10⁻⁶ for 0, ±1, ±1/2); this kernel measured 1.3–3.5·10⁻⁶
 * of max |y| against the direct kernel on the reference U-Net's layers (random normal and ReLU'd
 * inputs, He-scaled weights, batch 4; the ±2 points measured 3.7–8.3·10⁻⁶, F(2×2, 3×3)
 * 0.4–1.4·10⁻⁶). Stated bound, held by the tests: max |y − y_direct| ≤ 1·10⁻⁵ · max |y|. It runs
 * from 32×32 outputs (`conv3x3_choice.ts`).
 *
 * The kernel's emitter is `emit_conv2d_winograd.ts`; {@linkcode conv2dWinogradApplies} says where
 * it runs (`ci` and `co` multiples of 4).
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import type { WasmBackend } from "../heap.ts";
import { kernelsFor } from "./fused_simd.ts";
import { runSplit, splitChunks } from "./helper_threads.ts";
import { PAD } from "./emit_conv2d_winograd.ts";

const ptr = (b: WasmBackend, i: tf.TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;

/** Whether {@linkcode conv2dWinograd} runs here for `ci` input and `co` output channels. */
export function conv2dWinogradApplies(backend: WasmBackend, ci: number, co: number): boolean {
  return ci % 4 === 0 && co % 4 === 0 && kernelsFor(backend) !== null;
}

/**
 * Tiles per block for F(m×m, 3×3): a block's transformed inputs and products
 * ((m+2)²·4·tb·(ci + ⌈co/8⌉·8) bytes) stay within ~128 KiB (F(2×2, 3×3)) or ~192 KiB
 * (F(4×4, 3×3)), so they are still in cache for the next step; a multiple of 4, 8 to 64.
 */
export function winogradBlock(ci: number, co: number, m: 2 | 4 = 2): number {
  const bytesPerTile = (m + 2) ** 2 * 4 * (ci + Math.ceil(co / 8) * 8);
  const budget = m === 2 ? 131072 : 196608;
  return Math.max(8, Math.min(64, Math.floor(budget / bytesPerTile / 4) * 4));
}

/**
 * `y` (new backend data, `[n, oh, ow, co]`) of the 3×3 stride-1 convolution of NHWC `x` by
 * F(m×m, 3×3) with a filter transformed by `transformFilter(…, m)` (`winograd_filter.ts`),
 * `pt`/`pl` zero rows/columns before `x`
 * (the rest of the padding follows from `oh`, `ow`); check {@linkcode conv2dWinogradApplies} first.
 */
export function conv2dWinograd(
  backend: WasmBackend,
  x: tf.TensorInfo,
  packed: tf.TensorInfo,
  p: { co: number; oh: number; ow: number; pt: number; pl: number },
  m: 2 | 4 = 2,
): tf.TensorInfo {
  const [n, h, w, ci] = x.shape;
  const tb = winogradBlock(ci, p.co, m), planes = (m + 2) ** 2;
  const tiles = n * Math.ceil(p.oh / m) * Math.ceil(p.ow / m), count = Math.ceil(tiles / tb);
  const chunks = splitChunks(backend, count);
  const slotBytes = planes * (tb * ci * 4 + PAD) + planes * (tb * Math.ceil(p.co / 8) * 32 + PAD) + PAD;
  const y = backend.makeOutput([n, p.oh, p.ow, p.co], "float32");
  const base = backend.wasm._malloc(chunks * slotBytes + ci * 4 + 16) >>> 0;
  try {
    const scratch = ((base + 15) & ~15) >>> 0, zero = scratch + chunks * slotBytes;
    new Float32Array(backend.wasm.HEAPU8.buffer, zero, ci).fill(0);
    const shape = [n, h, w, ci, p.oh, p.ow, p.co, p.pt, p.pl];
    const name = m === 2 ? "conv2d_winograd" : "conv2d_winograd4";
    const args = [ptr(backend, x), ptr(backend, packed), ptr(backend, y), scratch, slotBytes, zero, ...shape];
    runSplit(backend, name, [...args, tb, chunks, count], count);
  } finally {
    backend.wasm._free(base);
  }
  return y;
}
