/**
 * The last step of the Winograd weight gradients (`conv_filter_grad_winograd.ts`), on the host in
 * float64: add the partial sums `M_k` (`[α², ci, cop]` each, in item order) and apply
 * `dW = Gᵀ M G` per channel pair, for F(2×2, 3×3) (α = 4; `G`'s last row negated, as the kernel's
 * `A` is) and F(4×4, 3×3) (α = 6, the points of `conv2d_winograd4.ts`).
 * @module
 */

/**
 * Reused float64 scratch (a fresh megabyte-sized array per call cost 4–5 ms in page faults and
 * zeroing, more than the arithmetic): `n` zeroed values of buffer `k`. Arrays over
 * {@linkcode KEEP_MAX} values (the OCR head's 720→512) are not kept.
 */
const scratch: Float64Array[] = [];
const KEEP_MAX = 1 << 22;
function zeroed(k: number, n: number): Float64Array {
  if (n > KEEP_MAX) return new Float64Array(n);
  if (!scratch[k] || scratch[k].length < n) scratch[k] = new Float64Array(n);
  const a = scratch[k].subarray(0, n);
  a.fill(0);
  return a;
}

/** `Σ_k M_k` as float64 `[α², ci, co]` (dropping the padding channels past `co`). */
function addParts(
  m: Float32Array,
  items: number,
  planes: number,
  ci: number,
  co: number,
  cop: number,
): Float64Array {
  const sum = zeroed(0, planes * ci * co);
  for (let k = 0; k < items; k++) {
    for (let r = 0, at = k * planes * ci * cop, s = 0; r < planes * ci; r++, at += cop) {
      for (let o = 0; o < co; o++) sum[s++] += m[at + o];
    }
  }
  return sum;
}

/** `G` of F(2, 3) with its last row negated (the kernel's `A` has its last row negated). */
const G2 = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, -1]];

/** `G` of F(4, 3) at the points 0, 1, −1, 1/2, −2, ∞ (`conv2d_winograd4.ts`'s `gTimes`). */
const G4 = [
  [1, 0, 0],
  [1 / 3, 1 / 3, 1 / 3],
  [-1 / 3, 1 / 3, -1 / 3],
  [-16 / 15, -8 / 15, -4 / 15],
  [1 / 15, -2 / 15, 4 / 15],
  [0, 0, 1],
];

/** `out[k·p + q] += w·src[s·p + q]` for every `q < p` (one plane times a weight). */
function axpy(out: Float64Array, k: number, w: number, src: Float64Array, s: number, p: number) {
  if (w === 0) return;
  for (let q = 0, o = k * p, i = s * p; q < p; q++) out[o + q] += w * src[i + q];
}

/**
 * `dw` (`[3, 3, ci, co]`) from the `items` partial sums `m` of an F(`mt`×`mt`, 3×3) weight gradient
 * (`mt` 2 or 4), `cop` channels per row of `m`: plane by plane (`t[a, j] = Σ_e M[a, e]·G[e][j]`,
 * then `dW[i, j] = Σ_a G[a][i]·t[a, j]`), so every loop runs over contiguous channel pairs.
 */
export function winogradFilterFinal(
  m: Float32Array,
  mt: 2 | 4,
  items: number,
  ci: number,
  co: number,
  cop: number,
  dw: Float32Array,
): void {
  const alpha = mt + 2, p = ci * co, G = mt === 2 ? G2 : G4;
  const sum = addParts(m, items, alpha * alpha, ci, co, cop);
  const t = zeroed(1, alpha * 3 * p), d = zeroed(2, 9 * p);
  for (let a = 0; a < alpha; a++) {
    for (let j = 0; j < 3; j++) {
      for (let e = 0; e < alpha; e++) axpy(t, a * 3 + j, G[e][j], sum, a * alpha + e, p);
    }
  }
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) for (let a = 0; a < alpha; a++) axpy(d, i * 3 + j, G[a][i], t, a * 3 + j, p);
  }
  for (let k = 0; k < 9 * p; k++) dw[k] = d[k];
}
