/**
 * The Winograd filter transforms as plain float64 JavaScript — what the host ran before the SIMD
 * kernels (`emit_winograd_filter.ts`, `emit_winograd_filter_final.ts`; F(4×4, 3×3)'s forward
 * transform now multiplies by ⅓ and ¹⁄₁₅ instead of dividing), kept here as their oracle: the
 * kernels do the same operations in the same order, so the tests hold them to the bit.
 */
import { G2_NEGATED, G4 } from "../../../../lib/backend/wasm/simd/emit_winograd_filter_final.ts";

/** Element `(i, j, c, o)` of a 3×3 filter: its index in the flat array. */
export type FilterIndex = (i: number, j: number, c: number, o: number) => number;

const G2 = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];

/** `U` of F(2×2, 3×3), packed `[16, ⌈co/8⌉, ci, 8]`, zero past `co`. */
export function referenceFilter2(s: Float32Array, ci: number, co: number, index: FilterIndex): Float32Array {
  const cob = Math.ceil(co / 8), d = new Float32Array(16 * cob * ci * 8);
  const g = new Float64Array(9), gg = new Float64Array(12);
  for (let c = 0; c < ci; c++) {
    for (let o = 0; o < co; o++) {
      for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) g[i * 3 + j] = s[index(i, j, c, o)];
      for (let a = 0; a < 4; a++) {
        for (let j = 0; j < 3; j++) {
          gg[a * 3 + j] = G2[a][0] * g[j] + G2[a][1] * g[3 + j] + G2[a][2] * g[6 + j];
        }
      }
      for (let a = 0; a < 4; a++) {
        for (let e = 0; e < 4; e++) {
          const v = gg[a * 3] * G2[e][0] + gg[a * 3 + 1] * G2[e][1] + gg[a * 3 + 2] * G2[e][2];
          d[((((a * 4 + e) * cob + (o >> 3)) * ci + c) << 3) + (o & 7)] = v;
        }
      }
    }
  }
  return d;
}

/** F(4, 3)'s `G` (points 0, 1, −1, 1/2, −2, ∞) applied to `(x0, x1, x2)`. */
function gRows4(x0: number, x1: number, x2: number): number[] {
  const s = (x0 + x2) * (1 / 3), t = x1 * (1 / 3);
  return [x0, s + t, t - s, -4 * (4 * x0 + 2 * x1 + x2) * (1 / 15), (x0 - 2 * x1 + 4 * x2) * (1 / 15), x2];
}

/** `U` of F(4×4, 3×3), packed `[36, ⌈co/8⌉, ci, 8]`, zero past `co`. */
export function referenceFilter4(s: Float32Array, ci: number, co: number, index: FilterIndex): Float32Array {
  const cob = Math.ceil(co / 8), d = new Float32Array(36 * cob * ci * 8);
  for (let c = 0; c < ci; c++) {
    for (let o = 0; o < co; o++) {
      const g = (i: number, j: number) => s[index(i, j, c, o)];
      const h = [0, 1, 2].map((j) => gRows4(g(0, j), g(1, j), g(2, j))); // h[j][a]
      for (let a = 0; a < 6; a++) {
        gRows4(h[0][a], h[1][a], h[2][a]).forEach((v, e) => {
          d[((((a * 6 + e) * cob + (o >> 3)) * ci + c) << 3) + (o & 7)] = v;
        });
      }
    }
  }
  return d;
}

/**
 * `dW` (`[3, 3, ci, co]`) from `items` partial sums `m` (`[α², ci, cop]` each) of an F(`mt`×`mt`, 3×3)
 * weight gradient: `Σ_k M_k` from zero, then `Gᵀ M G` with sums from zero and zero weights skipped.
 */
export function referenceFinal(
  m: Float32Array,
  mt: 2 | 4,
  items: number,
  ci: number,
  co: number,
  cop: number,
): Float32Array {
  const alpha = mt + 2, G = mt === 2 ? G2_NEGATED : G4, dw = new Float32Array(9 * ci * co);
  for (let c = 0; c < ci; c++) {
    for (let o = 0; o < co; o++) {
      const s = new Float64Array(alpha * alpha);
      for (let k = 0; k < items; k++) {
        for (let q = 0; q < alpha * alpha; q++) s[q] += m[((k * alpha * alpha + q) * ci + c) * cop + o];
      }
      const t = new Float64Array(alpha * 3);
      for (let a = 0; a < alpha; a++) {
        for (let j = 0; j < 3; j++) {
          for (let e = 0; e < alpha; e++) if (G[e][j] !== 0) t[a * 3 + j] += G[e][j] * s[a * alpha + e];
        }
      }
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          let d = 0;
          for (let a = 0; a < alpha; a++) if (G[a][i] !== 0) d += G[a][i] * t[a * 3 + j];
          dw[((i * 3 + j) * ci + c) * co + o] = d;
        }
      }
    }
  }
  return dw;
}
