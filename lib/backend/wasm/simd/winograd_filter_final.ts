/**
 * The last step of the Winograd weight gradients (`conv_filter_grad_winograd.ts`), on the host in
 * float64: add the partial sums `M_k` (`[α², ci, cop]` each, in item order) and apply
 * `dW = Gᵀ M G` per channel pair, for F(2×2, 3×3) (α = 4; `G`'s last row negated, as the kernel's
 * `A` is) and F(4×4, 3×3) (α = 6, the points of `conv2d_winograd4.ts`).
 * @module
 */

/** `Σ_k M_k` as float64 `[α², ci, co]` (dropping the padding channels past `co`). */
function addParts(
  m: Float32Array,
  items: number,
  planes: number,
  ci: number,
  co: number,
  cop: number,
): Float64Array {
  const sum = new Float64Array(planes * ci * co);
  for (let k = 0; k < items; k++) {
    for (let r = 0, at = k * planes * ci * cop, s = 0; r < planes * ci; r++, at += cop) {
      for (let o = 0; o < co; o++) sum[s++] += m[at + o];
    }
  }
  return sum;
}

/** `(v0, v1, v2) = Σ_e u[e]·G[e]` for F(2, 3)'s `G` with its last row negated. */
function g2(u0: number, u1: number, u2: number, u3: number, out: Float64Array, k: number, step: number) {
  const h = 0.5 * (u1 + u2);
  out[k] = u0 + h;
  out[k + step] = 0.5 * (u1 - u2);
  out[k + 2 * step] = h - u3;
}

/** `(v0, v1, v2) = Σ_e u[e]·G[e]` for F(4, 3)'s `G` (rows in `conv2d_winograd4.ts`'s `gTimes`). */
function g4(u: Float64Array, out: Float64Array, k: number, step: number) {
  const s = (u[1] + u[2]) / 3, d = (u[1] - u[2]) / 3, u3 = u[3] / 15, u4 = u[4] / 15;
  out[k] = u[0] + d - 16 * u3 + u4;
  out[k + step] = s - 8 * u3 - 2 * u4;
  out[k + 2 * step] = d - 4 * u3 + 4 * u4 + u[5];
}

/**
 * `dw` (`[3, 3, ci, co]`) from the `items` partial sums `m` of an F(`mt`×`mt`, 3×3) weight gradient
 * (`mt` 2 or 4), `cop` channels per row of `m`.
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
  const alpha = mt + 2, p = ci * co;
  const sum = addParts(m, items, alpha * alpha, ci, co, cop);
  const t = new Float64Array(3 * alpha), u = new Float64Array(alpha), v = new Float64Array(3);
  for (let q = 0; q < p; q++) {
    for (let a = 0; a < alpha; a++) { // t[a][j] = Σ_e M[a, e]·G[e][j]
      const r = a * alpha * p + q;
      if (mt === 2) g2(sum[r], sum[r + p], sum[r + 2 * p], sum[r + 3 * p], t, a * 3, 1);
      else {
        for (let e = 0; e < 6; e++) u[e] = sum[r + e * p];
        g4(u, t, a * 3, 1);
      }
    }
    for (let j = 0; j < 3; j++) { // dW[i][j] = Σ_a G[a][i]·t[a][j]
      if (mt === 2) g2(t[j], t[3 + j], t[6 + j], t[9 + j], v, 0, 1);
      else {
        for (let a = 0; a < 6; a++) u[a] = t[a * 3 + j];
        g4(u, v, 0, 1);
      }
      dw[j * p + q] = v[0];
      dw[(3 + j) * p + q] = v[1];
      dw[(6 + j) * p + q] = v[2];
    }
  }
}
