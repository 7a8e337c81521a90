/**
 * A 3×3, stride-1, dilation-1 convolution (NHWC) by Winograd's minimal filtering F(4×4, 3×3)
 * (Lavin & Gray, "Fast Algorithms for Convolutional Neural Networks", 2016) as a SIMD kernel over
 * the wasm heap, split across threads: each 4×4 output tile costs 36 multiplications per (input,
 * output) channel pair — 2.25 per output against F(2×2, 3×3)'s 4 ({@link ./conv2d_winograd.ts})
 * and the direct convolution's 9 — for the price of transforming each 6×6 input patch
 * (`Bᵀ d B`) and each tile's 36 products back (`Aᵀ M A`). The filter is transformed once per call
 * (`U = G g Gᵀ`, in float64).
 *
 * Error: larger than F(2×2, 3×3)'s — the transforms' coefficients reach 8 and 5/2, and the
 * rounding of the products' float32 sums over the input channels is multiplied by `Aᵀ`'s
 * coefficients before the output's cancellations. The interpolation points are 0, 1, −1, 1/2, −2
 * (and ∞) rather than Lavin & Gray's 0, ±1, ±2: with 1/2 for 2, the absolute row sums of `Aᵀ` drop
 * from 5, 6, 10, 19 to 5, 4.5, 6.25, 11.1 (Barabasz et al., "Error analysis and improving the
 * accuracy of Winograd convolution for deep neural networks", 2020, study such point choices; the
 * figures here are this project's own). A float32 simulation over 64
 * channels gave a mean error of 1.3·10⁻⁶ of the tile's max |y| against 2.3·10⁻⁶ for 0, ±1, ±2 (and
 * 2.1·10⁻⁶ for 0, ±1, ±1/2); this kernel measured 1.3–3.5·10⁻⁶ of max |y| against the direct kernel
 * on the reference U-Net's layers (random normal and ReLU'd inputs, He-scaled weights, batch 4; the
 * ±2 points measured 3.7–8.3·10⁻⁶, F(2×2, 3×3) 0.4–1.4·10⁻⁶). Stated bound, held by the tests:
 * max |y − y_direct| ≤ 1·10⁻⁵ · max |y|.
 *
 * This file transforms the filter ({@linkcode packWinograd4Filter}); the convolution itself is
 * `conv2dWinograd(…, 4)` in `conv2d_winograd.ts` (emitter: `emit_conv2d_winograd.ts`), which runs
 * where `conv2dWinogradApplies` says (`ci` and `co` multiples of 4).
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import { f32, type WasmBackend } from "../heap.ts";

/**
 * `G·(x0, x1, x2)` for F(4, 3) at the points 0, 1, −1, 1/2, −2, ∞, for `n` vectors at once (float64):
 * `x_i[k] = x[i_i + k]`, and row `r` of the result goes to `y[o + r·step + k]`. The rows of `G`:
 * `[1 0 0]`, `[1/3 1/3 1/3]`, `[−1/3 1/3 −1/3]`, `[−16/15 −8/15 −4/15]`, `[1/15 −2/15 4/15]`, `[0 0 1]`.
 */
function gRows(
  x: Float64Array,
  i: [number, number, number],
  y: Float64Array | Float32Array,
  o: number,
  step: number,
  n: number,
): void {
  const [i0, i1, i2] = i;
  for (let k = 0; k < n; k++) {
    const g0 = x[i0 + k], g1 = x[i1 + k], g2 = x[i2 + k];
    const s = (g0 + g2) / 3, t = g1 / 3;
    y[o + k] = g0;
    y[o + step + k] = s + t;
    y[o + 2 * step + k] = t - s;
    y[o + 3 * step + k] = -4 * (4 * g0 + 2 * g1 + g2) / 15;
    y[o + 4 * step + k] = (g0 - 2 * g1 + 4 * g2) / 15;
    y[o + 5 * step + k] = g2;
  }
}

/**
 * Transforms a 3×3 filter with `ci` input and `co` output channels (`U = G g Gᵀ` per channel pair,
 * in float64) into new backend data packed `[36, ⌈co/8⌉, ci, 8]` (zero past `co`); element
 * `(i, j, c, o)` of the filter is `src`'s flat element `index(i, j, c, o)`, which must be a tap
 * offset plus a channel offset (`index(i, j, 0, 0) + index(0, 0, c, o) − index(0, 0, 0, 0)`, as
 * every filter layout is).
 */
export function packWinograd4Filter(
  backend: WasmBackend,
  ci: number,
  co: number,
  src: tf.TensorInfo,
  index: (i: number, j: number, c: number, o: number) => number,
): tf.TensorInfo {
  const cob = Math.ceil(co / 8), plane = cob * ci * 8, n = ci * 8;
  const out = backend.makeOutput([36 * plane], "float32");
  const d = f32(backend, out), s = f32(backend, src); // views taken after the allocation
  const tap = Array.from({ length: 9 }, (_, t) => index(Math.floor(t / 3), t % 3, 0, 0) - index(0, 0, 0, 0));
  // One block of 8 output channels at a time, as rows of its ci·8 channel pairs (a tap's values,
  // then G applied across rows): every pass reads and writes whole rows, and the last writes
  // the 36 planes' runs for the block (element by element, the 36 planes thrashed the cache).
  const g = new Float64Array(9 * n), h = new Float64Array(18 * n);
  for (let ob = 0; ob < cob; ob++) {
    const on = Math.min(8, co - ob * 8);
    if (on < 8) g.fill(0);
    for (let c = 0; c < ci; c++) {
      for (let ol = 0; ol < on; ol++) {
        const at = index(0, 0, c, ob * 8 + ol), k = c * 8 + ol;
        for (let t = 0; t < 9; t++) g[t * n + k] = s[at + tap[t]];
      }
    }
    for (let j = 0; j < 3; j++) gRows(g, [j * n, (3 + j) * n, (6 + j) * n], h, j * n, 3 * n, n); // G g
    for (let a = 0; a < 6; a++) {
      gRows(h, [a * 3 * n, (a * 3 + 1) * n, (a * 3 + 2) * n], d, a * 6 * plane + ob * n, plane, n); // (G g) Gᵀ
    }
  }
  return out;
}
