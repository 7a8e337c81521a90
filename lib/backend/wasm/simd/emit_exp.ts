/**
 * `exp` over float32, 4 values per instruction (`exp_f32(x, y, bytes)`, `bytes` a multiple of 16):
 * `x` clamped to [−104, 89] (NaN stays NaN), `n = nearest(x·log₂e)` (by adding and subtracting
 * 1.5·2²³, whose sum also holds `n` in its low bits), `r = x − n·ln2` with ln 2 split in two (Cody &
 * Waite) so `r` is exact to float32, `eʳ` by its Taylor polynomial of degree 7 (|r| ≤ ln2/2:
 * truncation below 6·10⁻⁹; Estrin's scheme), and `2ⁿ` as two powers of two built from their
 * exponent bits (so `n` from −150 to 128 gives 0, subnormals and ∞ where float32 does). Measured
 * against float64 `Math.exp`: 1 unit in the last place at worst over float32's range (tested
 * within 2, `exp_test.ts`). The clamp uses `pmin`/`pmax` (one instruction each; `min`/`max`'s NaN
 * rules cost a third of the kernel).
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** ln 2 = LN2_HI + LN2_LO, LN2_HI with 9 significant bits (n·LN2_HI is exact for |n| < 2¹⁵). */
const LN2_HI = 0.693359375, LN2_LO = -2.12194440e-4;

/** Emits `exp_f32(x, y, bytes)`. */
export function emitExp(m: ModuleBuilder): void {
  const f = m.func("exp_f32", ["i32", "i32", "i32"]);
  const [x, y, bytes] = [0, 1, 2];
  const V = () => f.local("v128");
  const i = f.local("i32"), v = V(), nf = V(), r = V(), p = V(), n = V(), n1 = V();
  const c = (value: number) => {
    const l = V();
    f.f32(value).f32x4Splat().set(l);
    return l;
  };
  const lo = c(-104), hi = c(89), log2e = c(Math.LOG2E), l2h = c(LN2_HI), l2l = c(LN2_LO);
  const coef = [1, 1, 1 / 2, 1 / 6, 1 / 24, 1 / 120, 1 / 720, 1 / 5040].map(c); // rᵏ/k!, k = 0 … 7
  const q = V(), s4 = V();
  const bias = V(), t = V(), magic = c(12582912), magicBits = V();
  f.i32(0x4b400000).i32x4Splat().set(magicBits);
  f.i32(127).i32x4Splat().set(bias);
  f.i32(0).set(i);
  f.forRange(i, bytes, 16, () => {
    f.get(x).get(i).add().v128Load().get(lo).f32x4Pmax().get(hi).f32x4Pmin().set(v);
    // t = x·log₂e + 1.5·2²³: its low mantissa bits are n (rounded to nearest even) and t − 1.5·2²³ = n
    f.get(v).get(log2e).f32x4Mul().get(magic).f32x4Add().set(t);
    f.get(t).get(magic).f32x4Sub().set(nf);
    f.get(v).get(nf).get(l2h).f32x4Mul().f32x4Sub().get(nf).get(l2l).f32x4Mul().f32x4Sub().set(r);
    // Estrin's scheme (a shorter dependency chain than Horner's): with q = r², s = r⁴,
    // p = (1 + r) + q·(c2 + c3·r) + s·((c4 + c5·r) + q·(c6 + c7·r))
    const pair = (a: number, b: number) => f.get(coef[b]).get(r).f32x4Mul().get(coef[a]).f32x4Add();
    f.get(r).get(r).f32x4Mul().set(q);
    f.get(q).get(q).f32x4Mul().set(s4);
    pair(4, 5);
    pair(6, 7);
    f.get(q).f32x4Mul().f32x4Add().get(s4).f32x4Mul();
    pair(2, 3);
    f.get(q).f32x4Mul().f32x4Add();
    pair(0, 1);
    f.f32x4Add().set(p);
    f.get(t).get(magicBits).i32x4Sub().set(n);
    f.get(n).i32(1).i32x4ShrS().set(n1); // n1 = n >> 1, n − n1: both within the normal exponents
    f.get(y).get(i).add();
    f.get(p).get(n1).get(bias).i32x4Add().i32(23).i32x4Shl().f32x4Mul();
    f.get(n).get(n1).i32x4Sub().get(bias).i32x4Add().i32(23).i32x4Shl().f32x4Mul();
    f.v128Store();
  });
}
