/**
 * The last step of the Winograd weight gradients (`conv_filter_grad_winograd.ts`) as SIMD kernels
 * on the helper threads: add the partial sums `M_k` (`[α², ci, cop]` floats each, in item order)
 * and apply `dW = Gᵀ M G` per channel pair, for F(2×2, 3×3) (`winograd_final2`, α = 4, `G`'s last
 * row negated, as the kernel's `A` is) and F(4×4, 3×3) (`winograd_final4`, α = 6, the points of
 * `conv2d_winograd.ts`). Two output channels per `f64x2`, in float64, with the operations of the
 * host's former transform in the same order (sums from zero, products by zero skipped), so `dW` is
 * the same to the bit.
 *
 * `winograd_finalM(parts, dw, items, ci, co, cop, t0, t1)`: items are input channels `c`; `dW`
 * (`[3, 3, ci, co]`) is written, not added to.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";

/** `G` of F(2, 3) with its last row negated. */
export const G2_NEGATED = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, -1]];

/** `G` of F(4, 3) at the points 0, 1, −1, 1/2, −2, ∞. */
export const G4 = [
  [1, 0, 0],
  [1 / 3, 1 / 3, 1 / 3],
  [-1 / 3, 1 / 3, -1 / 3],
  [-16 / 15, -8 / 15, -4 / 15],
  [1 / 15, -2 / 15, 4 / 15],
  [0, 0, 1],
];

/** `out = ((0 + w_0·x_0) + w_1·x_1) + …` over the nonzero weights, in order. */
function dot(
  f: FuncBuilder,
  w: number[],
  x: number[],
  out: number,
  zero: number,
  splat: (v: number) => number,
) {
  f.get(zero);
  w.forEach((v, i) => {
    if (v !== 0) f.get(splat(v)).get(x[i]).f64x2Mul().f64x2Add();
  });
  f.set(out);
}

function emit(m: ModuleBuilder, name: string, G: number[][]) {
  const alpha = G.length, P = ["parts", "dw", "items", "ci", "co", "cop", "t0", "t1"];
  const f = m.func(name, P.map(() => "i32" as const));
  const [parts, dw, items, ci, co, cop, c, t1] = P.map((_, i) => i);
  const L = () => f.local("i32");
  const V = () => f.local("v128");
  const o = L(), kk = L(), at = L(), row = L(), part = L(), plane = L(), out = L();
  const zero = V(),
    d = V(),
    s = Array.from({ length: alpha * alpha }, V),
    t = Array.from({ length: alpha * 3 }, V);
  const splats = new Map<number, number>();
  const splat = (v: number) => {
    if (!splats.has(v)) splats.set(v, f.local("v128"));
    return splats.get(v)!;
  };
  for (const v of new Set(G.flat())) if (v !== 0) splat(v);
  for (const [v, l] of splats) f.f64(v).f64x2Splat().set(l);
  f.get(ci).get(cop).mul().i32(2).shl().set(plane); // bytes per plane of M
  f.get(plane).i32(alpha * alpha).mul().set(part); // bytes per partial sum
  f.get(ci).get(co).mul().i32(2).shl().set(out); // bytes per plane of dW
  f.forRange(c, t1, 1, () => {
    f.get(c).get(cop).mul().i32(2).shl().set(row);
    f.i32(0).set(o);
    f.forRange(o, co, 2, () => {
      for (const v of s) f.get(zero).set(v);
      f.get(parts).get(row).add().get(o).i32(2).shl().add().set(at);
      f.i32(0).set(kk);
      f.forRange(kk, items, 1, () => {
        s.forEach((v, q) => {
          f.get(v).get(at).get(plane).i32(q).mul().add().v128Load64Zero().f64x2PromoteLow().f64x2Add().set(v);
        });
        f.get(at).get(part).add().set(at);
      });
      for (let a = 0; a < alpha; a++) {
        for (let j = 0; j < 3; j++) {
          dot(f, G.map((r) => r[j]), s.slice(a * alpha, a * alpha + alpha), t[a * 3 + j], zero, splat);
        }
      }
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          dot(f, G.map((r) => r[i]), G.map((_, a) => t[a * 3 + j]), d, zero, splat);
          f.get(dw).get(out).i32(i * 3 + j).mul().add().get(c).get(co).mul().get(o).add().i32(2).shl().add();
          f.get(d).f32x4DemoteF64x2Zero().v128Store64Lane(0);
        }
      }
    });
  });
}

/** Emits `winograd_final2`. */
export function emitWinogradFinal2(m: ModuleBuilder): void {
  emit(m, "winograd_final2", G2_NEGATED);
}

/** Emits `winograd_final4`. */
export function emitWinogradFinal4(m: ModuleBuilder): void {
  emit(m, "winograd_final4", G4);
}
