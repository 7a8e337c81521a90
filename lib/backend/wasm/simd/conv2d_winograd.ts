/**
 * A 3×3, stride-1, dilation-1 convolution (NHWC) by Winograd's minimal filtering F(2×2, 3×3)
 * (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016) as a SIMD kernel over
 * the wasm heap, split across threads: each 2×2 output tile costs 16 multiplications per
 * (input, output) channel pair instead of the direct convolution's 36 (2.25× fewer), for the price
 * of transforming each 4×4 input patch (`Bᵀ d B`) and each tile's 16 products back (`Aᵀ M A`) —
 * additions only. The filter is transformed once per call (`U = G g Gᵀ`, in float64).
 *
 * Error: the transforms' coefficients are 0, ±1 and ±½, so the float32 result differs from the
 * direct convolution's by rounding only — a few units of 2⁻²⁴ times the sum of |x|·|w| over the
 * window (the input transform adds up to 4 inputs, the output transform up to 9 products, and
 * `G` halves and adds 3 weights). The tests hold it to 2·10⁻⁶ of the largest |y| (it measures
 * ~3·10⁻⁷; F(4×4, 3×3), {@link ./conv2d_winograd4.ts}, rounds 2–3× more and runs from 32×32 outputs).
 *
 * The kernel's emitter is `emit_conv2d_winograd.ts`; {@linkcode conv2dWinogradApplies} says where
 * it runs (`ci` and `co` multiples of 4).
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import { f32, type WasmBackend } from "../heap.ts";
import { kernelsFor } from "./fused_simd.ts";
import { runSplit, splitChunks } from "./helper_threads.ts";
import { PAD } from "./emit_conv2d_winograd.ts";

/** `G` of F(2, 3): 4×3. */
const G = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];

/**
 * Transforms a 3×3 filter with `ci` input and `co` output channels (`U = G g Gᵀ` per channel pair)
 * into new backend data packed `[16, ⌈co/8⌉, ci, 8]` (zero-filled past `co`); element
 * `(i, j, c, o)` of the filter is `src`'s flat element `index(i, j, c, o)`.
 */
export function packWinogradFilter(
  backend: WasmBackend,
  ci: number,
  co: number,
  src: tf.TensorInfo,
  index: (i: number, j: number, c: number, o: number) => number,
): tf.TensorInfo {
  const cob = Math.ceil(co / 8);
  const out = backend.makeOutput([16 * cob * ci * 8], "float32");
  const d = f32(backend, out), s = f32(backend, src); // views taken after the allocation
  d.fill(0);
  const g = new Float64Array(9), gg = new Float64Array(12);
  for (let c = 0; c < ci; c++) {
    for (let o = 0; o < co; o++) {
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) g[i * 3 + j] = s[index(i, j, c, o)];
      for (let a = 0; a < 4; a++) {
        for (let j = 0; j < 3; j++) gg[a * 3 + j] = G[a][0] * g[j] + G[a][1] * g[3 + j] + G[a][2] * g[6 + j];
      }
      for (let a = 0; a < 4; a++) {
        for (let e = 0; e < 4; e++) {
          const v = gg[a * 3] * G[e][0] + gg[a * 3 + 1] * G[e][1] + gg[a * 3 + 2] * G[e][2];
          d[((((a * 4 + e) * cob + (o >> 3)) * ci + c) << 3) + (o & 7)] = v;
        }
      }
    }
  }
  return out;
}

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
 * F(m×m, 3×3) with a filter transformed by {@linkcode packWinogradFilter} (`m = 2`) or
 * `packWinograd4Filter` (`m = 4`, `conv2d_winograd4.ts`), `pt`/`pl` zero rows/columns before `x`
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
