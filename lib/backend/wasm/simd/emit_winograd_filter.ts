/**
 * The filter transform of seglab's Winograd convolutions, `U = G g Gᵀ` per channel pair, as SIMD
 * kernels on the helper threads: `winograd_filter2` (F(2×2, 3×3), 16 planes) and
 * `winograd_filter4` (F(4×4, 3×3), 36 planes, the points 0, 1, −1, 1/2, −2, ∞). Two output
 * channels per `f64x2`, in float64, with the operations of the tests' reference transform in the
 * same order, so `U` is the same to the bit (it was single-threaded JavaScript, paid in every
 * forward and input-gradient call; F(4×4, 3×3) now multiplies by ⅓ and ¹⁄₁₅ where it divided by 3
 * and 15, which moves `U` by at most one float32 rounding in rare ties).
 *
 * `winograd_filterM(src, dst, ci, co, cob, tap0, ti, tj, sc, so, t0, t1)`: element `(i, j, c, o)` of
 * the 3×3 filter is the float at `src + tap0 + i·ti + j·tj + c·sc + o·so` (bytes; strides may be
 * negative), `U` goes to `dst` packed `[planes, cob, ci, 8]`, each plane followed by `PAD` bytes
 * (planes a power of two apart fell into the same cache sets: 7× slower), zero past `co` (a multiple of 2);
 * items `t` are `(ob, c) = (⌊t/ci⌋, t mod ci)`, `cob·ci` in all.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";
import { PAD } from "./emit_conv2d_winograd.ts";

/** `G` applied to three f64x2 locals `x`, into the locals `out` (one per row); `k` are constant splats. */
type Rows = (f: FuncBuilder, x: number[], out: number[], k: number[]) => void;

/** `G` of F(2, 3); row `a` is `(G[a][0]·x0 + G[a][1]·x1) + G[a][2]·x2`, products by 0 and 1 included. */
const G2 = [[1, 0, 0], [0.5, 0.5, 0.5], [0.5, -0.5, 0.5], [0, 0, 1]];

/** The constants `rows2` multiplies by, in the order of its splats. */
const K2 = [1, 0, 0.5, -0.5];

const rows2: Rows = (f, x, out, k) => {
  G2.forEach((g, a) => {
    const term = (i: number) => f.get(x[i]).get(k[K2.indexOf(g[i])]).f64x2Mul();
    term(0);
    term(1);
    f.f64x2Add();
    term(2);
    f.f64x2Add().set(out[a]);
  });
};

/** The constants `rows4` multiplies by, in the order of its splats. */
const K4 = [1 / 3, 1 / 15, 4, 2, -4];

/**
 * F(4, 3)'s rows (points 0, 1, −1, 1/2, −2, ∞) with `s = (x0 + x2)·⅓`, `t = x1·⅓`: `x0`, `s + t`,
 * `t − s`, `−4·((4·x0 + 2·x1) + x2)·¹⁄₁₅`, `((x0 − 2·x1) + 4·x2)·¹⁄₁₅`, `x2` (⅓ and ¹⁄₁₅ as
 * float64 constants: multiplications, not divisions, which were most of the time).
 */
const rows4: Rows = (f, x, out, k) => {
  const [k3, k15, k4, k2, km4] = k;
  f.get(x[0]).get(x[2]).f64x2Add().get(k3).f64x2Mul().set(out[2]); // s (in out[2] until row 2)
  f.get(x[1]).get(k3).f64x2Mul().set(out[1]); // t
  f.get(out[1]).get(out[2]).f64x2Sub(); // t − s
  f.get(out[2]).get(out[1]).f64x2Add().set(out[1]); // s + t
  f.set(out[2]);
  f.get(km4).get(k4).get(x[0]).f64x2Mul().get(k2).get(x[1]).f64x2Mul().f64x2Add().get(x[2]).f64x2Add();
  f.f64x2Mul().get(k15).f64x2Mul().set(out[3]);
  f.get(x[0]).get(k2).get(x[1]).f64x2Mul().f64x2Sub().get(k4).get(x[2]).f64x2Mul().f64x2Add();
  f.get(k15).f64x2Mul().set(out[4]);
  f.get(x[0]).set(out[0]);
  f.get(x[2]).set(out[5]);
};

/** Splats `v` into a new v128 local. */
function splat(f: FuncBuilder, v: number): number {
  const l = f.local("v128");
  f.f64(v).f64x2Splat().set(l);
  return l;
}

/** Loads the floats at `addr` and `addr + so` (locals) as an f64x2 into `out`. */
function load2(f: FuncBuilder, addr: number, so: number, out: number) {
  f.get(addr).f32Load().f64PromoteF32().f64x2Splat();
  f.get(addr).get(so).add().f32Load().f64PromoteF32().f64x2ReplaceLane(1).set(out);
}

function emit(m: ModuleBuilder, name: string, alpha: 4 | 6) {
  const P = ["src", "dst", "ci", "co", "cob", "tap0", "ti", "tj", "sc", "so", "t0", "t1"];
  const f = m.func(name, P.map(() => "i32" as const));
  const [src, dst, ci, co, cob, tap0, ti, tj, sc, so, t, t1] = P.map((_, i) => i);
  const L = () => f.local("i32");
  const V = () => f.local("v128");
  const ob = L(), c = L(), p = L(), four = L(), base = L(), addr = L(), out = L(), plane = L();
  const zero = V(), g = Array.from({ length: 9 }, V), h = Array.from({ length: alpha * 3 }, V);
  const k = (alpha === 4 ? K2 : K4).map((v) => splat(f, v));
  const rows = alpha === 4 ? rows2 : rows4, r = Array.from({ length: alpha }, V);
  const store = (q: number, v: number) =>
    f.get(out).get(plane).i32(q).mul().add().get(v).f32x4DemoteF64x2Zero().v128Store64Lane(0);
  f.get(cob).get(ci).mul().i32(5).shl().i32(PAD).add().set(plane); // bytes per plane, padded
  f.i32(4).set(four);
  f.forRange(t, t1, 1, () => {
    f.get(t).get(ci).divU().set(ob);
    f.get(t).get(ob).get(ci).mul().sub().set(c);
    f.i32(0).set(p);
    f.forRange(p, four, 1, () => {
      // out = dst + (ob·ci + c)·32 + p·8: this pair's two floats in plane 0
      f.get(dst).get(ob).get(ci).mul().get(c).add().i32(5).shl().add().get(p).i32(3).shl().add().set(out);
      f.get(ob).i32(3).shl().get(p).i32(1).shl().add().get(co).ltU(); // o = 8·ob + 2p < co
      f.if_();
      // base = src + tap0 + c·sc + o·so
      f.get(src).get(tap0).add().get(c).get(sc).mul().add();
      f.get(ob).i32(3).shl().get(p).i32(1).shl().add().get(so).mul().add().set(base);
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) {
          f.get(base).get(ti).i32(i).mul().add().get(tj).i32(j).mul().add().set(addr);
          load2(f, addr, so, g[i * 3 + j]);
        }
      }
      for (let j = 0; j < 3; j++) rows(f, [g[j], g[3 + j], g[6 + j]], h.filter((_, q) => q % 3 === j), k);
      for (let a = 0; a < alpha; a++) {
        rows(f, [h[a * 3], h[a * 3 + 1], h[a * 3 + 2]], r, k);
        r.forEach((v, e) => store(a * alpha + e, v));
      }
      f.else_();
      for (let q = 0; q < alpha * alpha; q++) store(q, zero);
      f.end();
    });
  });
}

/** Emits `winograd_filter2`. */
export function emitWinogradFilter2(m: ModuleBuilder): void {
  emit(m, "winograd_filter2", 4);
}

/** Emits `winograd_filter4`. */
export function emitWinogradFilter4(m: ModuleBuilder): void {
  emit(m, "winograd_filter4", 6);
}
