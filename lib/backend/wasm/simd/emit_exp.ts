/**
 * The emitter of `exp` over float32 (`exp(x, y, bytes)`, 4 values per instruction): Cody–Waite
 * range reduction `x = n·ln 2 + r` (|r| ≤ ln 2 / 2, `ln 2` split in two so `n·ln2_hi` is exact),
 * a degree-7 polynomial for `e^r` (the Cephes `expf` coefficients), and `2ⁿ` built from the
 * exponent bits as `2^⌊n/2⌋ · 2^(n−⌊n/2⌋)`, so that results near the float32 limits (above 2¹²⁷,
 * and the subnormals below 2⁻¹²⁶) come out right. Above 88.72283 the result is +∞, below −104
 * it is 0 (or a subnormal it rounds to), and NaN stays NaN. Within 2 units in the last place of
 * the correctly rounded value (tested against the cpu backend's `Math.exp`).
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";

/** Where `exp` overflows (ln of the largest float32). */
export const EXP_HI = 88.72283;
/** Below this, `exp` rounds to 0 even as a subnormal. */
export const EXP_LO = -104;
const LOG2E = 1.44269504088896341;
const LN2_HI = 0.693359375, LN2_LO = -2.12194440e-4;
/** `e^r ≈ 1 + r + r²·P(r)`, highest power first (Cephes `expf`). */
const P = [
  1.9875691500e-4,
  1.3981999507e-3,
  8.3334519073e-3,
  4.1665795894e-2,
  1.6666665459e-1,
  5.0000001201e-1,
];

/** Emits `exp(x, y, bytes)`: `y = e^x` for the float32s in `[x, x + bytes)` (`bytes` a multiple of 16). */
export function emitExp(m: ModuleBuilder): void {
  const f = m.func("exp", ["i32", "i32", "i32"]);
  const [x, y, bytes] = [0, 1, 2];
  const i = f.local("i32");
  const V = () => f.local("v128");
  const v = V(), xc = V(), fx = V(), r = V(), p = V(), n = V(), h = V();
  const splat = (c: number) => f.f32(c).f32x4Splat();
  f.i32(0).set(i);
  f.forRange(i, bytes, 16, () => {
    f.get(x).get(i).add().v128Load().set(v);
    f.get(v);
    splat(EXP_LO).f32x4Max();
    splat(EXP_HI).f32x4Min().set(xc); // NaN stays NaN (wasm's min and max propagate it)
    f.get(xc);
    splat(LOG2E).f32x4Mul().f32x4Nearest().set(fx);
    f.get(xc).get(fx);
    splat(LN2_HI).f32x4Mul().f32x4Sub().get(fx);
    splat(LN2_LO).f32x4Mul().f32x4Sub().set(r);
    polynomial(f, r, p, splat);
    // 2ⁿ = 2^h · 2^(n − h), h = n >> 1: each factor's exponent stays within the normal range
    f.get(fx).i32x4TruncSatF32x4S().set(n);
    f.get(n).i32(1).i32x4ShrS().set(h);
    f.get(p).get(h).i32(127).i32x4Splat().i32x4Add().i32(23).i32x4Shl().f32x4Mul();
    f.get(n).get(h).i32x4Sub().i32(127).i32x4Splat().i32x4Add().i32(23).i32x4Shl().f32x4Mul().set(p);
    // above EXP_HI: +∞
    f.get(y).get(i).add();
    f.f32(Infinity).f32x4Splat().get(p).get(v).f32(EXP_HI).f32x4Splat().f32x4Gt().v128Bitselect();
    f.v128Store();
  });
}

/** `p = 1 + r + r²·P(r)` (Horner). */
function polynomial(f: FuncBuilder, r: number, p: number, splat: (c: number) => FuncBuilder) {
  splat(P[0]).set(p);
  for (const c of P.slice(1)) {
    f.get(p).get(r).f32x4Mul();
    splat(c).f32x4Add().set(p);
  }
  f.get(p).get(r).f32x4Mul().get(r).f32x4Mul().get(r).f32x4Add();
  splat(1).f32x4Add().set(p);
}
