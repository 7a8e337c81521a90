/**
 * The fused Adam update as a SIMD kernel (`adam_update`), 4 floats per instruction, with
 * tfjs-core's `AdamOptimizer` operations in its order, each rounded to float32 as its ops are:
 *
 *     m′ = m·β₁ + g·(1 − β₁)          v′ = v·β₂ + g²·(1 − β₂)
 *     value′ = (m′/c₁) / (√(v′/c₂) + ε) · (−lr) + value
 *
 * (`c₁ = 1 − β₁ᵗ`, `c₂ = 1 − β₂ᵗ`). `adam_update(value, m, v, g, nValue, nm, nv, bytes, β₁, 1 − β₁,
 * β₂, 1 − β₂, −lr, c₁, c₂, ε)`: pointers, then the byte count (a multiple of 16), then float32
 * scalars. The host runs the last `n mod 4` elements with the same operations (`adam_math.ts`).
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** Emits `adam_update`. */
export function emitAdam(m: ModuleBuilder): void {
  const P = ["value", "m", "v", "g", "nValue", "nm", "nv", "bytes"] as const;
  const S = ["b1", "o1", "b2", "o2", "nlr", "c1", "c2", "eps"] as const;
  const f = m.func("adam_update", [...P.map(() => "i32" as const), ...S.map(() => "f32" as const)]);
  const [value, mp, vp, gp, nValue, nm, nv, bytes] = P.map((_, i) => i);
  const k = S.map(() => f.local("v128"));
  S.forEach((_, i) => f.get(P.length + i).f32x4Splat().set(k[i]));
  const [b1, o1, b2, o2, nlr, c1, c2, eps] = k;
  const i = f.local("i32"), g = f.local("v128"), m1 = f.local("v128"), v1 = f.local("v128");
  f.i32(0).set(i);
  f.forRange(i, bytes, 16, () => {
    f.get(gp).get(i).add().v128Load().set(g);
    f.get(mp).get(i).add().v128Load().get(b1).f32x4Mul().get(g).get(o1).f32x4Mul().f32x4Add().set(m1);
    f.get(vp).get(i).add().v128Load().get(b2).f32x4Mul();
    f.get(g).get(g).f32x4Mul().get(o2).f32x4Mul().f32x4Add().set(v1);
    f.get(nm).get(i).add().get(m1).v128Store();
    f.get(nv).get(i).add().get(v1).v128Store();
    f.get(nValue).get(i).add();
    f.get(m1).get(c1).f32x4Div();
    f.get(v1).get(c2).f32x4Div().f32x4Sqrt().get(eps).f32x4Add();
    f.f32x4Div().get(nlr).f32x4Mul().get(value).get(i).add().v128Load().f32x4Add().v128Store();
  });
}
