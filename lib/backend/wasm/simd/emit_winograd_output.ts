/**
 * The output transform of seglab's Winograd convolutions (`emit_conv2d_winograd.ts`):
 * `y = Aᵀ M A` of each tile's (m+2)×(m+2) products into its m×m output pixels, cut at the border
 * of `y`, for F(2×2, 3×3) (`m = 2`) and F(4×4, 3×3) (`m = 4`, points 0, 1, −1, 1/2, −2, ∞).
 * @module
 */
import type { FuncBuilder } from "./assembler.ts";
import { tileCoords } from "./emit_winograd_input.ts";

/**
 * The locals the transform reads: `y` (`oh`×`ow`, `co` channels), the block `blk` of `tb` tiles
 * out of `total` (`thw` per image, `tw` per tile row), where `M` is (`sM`, `ms` bytes between its
 * planes, `⌈co/8⌉` = `COB` 8-channel groups per tile); F(4×4, 3×3) also reads f32x4 splats of 2,
 * 4, 1/2 and 1/4.
 */
export interface OutBlock {
  y: number;
  oh: number;
  ow: number;
  co: number;
  tb: number;
  blk: number;
  total: number;
  thw: number;
  tw: number;
  sM: number;
  ms: number;
  COB: number;
  c2?: number;
  c4?: number;
  c05?: number;
  c025?: number;
}

/** F(2, 3)'s `Aᵀ` (`[1 1 1 0]`, `[0 1 −1 −1]`) applied to four vectors (locals), into `out`. */
function at2(f: FuncBuilder, _s: OutBlock, m: number[], out: number[]) {
  f.get(m[0]).get(m[1]).f32x4Add().get(m[2]).f32x4Add().set(out[0]);
  f.get(m[1]).get(m[2]).f32x4Sub().get(m[3]).f32x4Sub().set(out[1]);
}

/**
 * F(4, 3)'s `Aᵀ` applied to six vectors (locals `m`), results into `out` (four locals, distinct
 * from `m`); `t` are four scratch locals. Rows of `Aᵀ`: `[1 1 1 1 1 0]`, `[0 1 −1 1/2 −2 0]`,
 * `[0 1 1 1/4 4 0]`, `[0 1 −1 1/8 −8 1]` (every multiplication is by a power of two: exact).
 */
function at4(f: FuncBuilder, s: OutBlock, m: number[], out: number[], t: number[]) {
  const [a, b, p, q] = t, c2 = s.c2!, c4 = s.c4!, c05 = s.c05!, c025 = s.c025!;
  f.get(m[1]).get(m[2]).f32x4Add().set(a);
  f.get(m[1]).get(m[2]).f32x4Sub().set(b);
  f.get(m[3]).get(c05).f32x4Mul().set(p); // m3/2
  f.get(m[4]).get(c2).f32x4Mul().set(q); // 2·m4
  f.get(m[0]).get(a).f32x4Add().get(m[3]).f32x4Add().get(m[4]).f32x4Add().set(out[0]);
  f.get(b).get(p).f32x4Add().get(q).f32x4Sub().set(out[1]);
  f.get(a).get(p).get(c05).f32x4Mul().f32x4Add().get(q).get(c2).f32x4Mul().f32x4Add().set(out[2]);
  f.get(b).get(p).get(c025).f32x4Mul().f32x4Add().get(q).get(c4).f32x4Mul().f32x4Sub().get(m[5]).f32x4Add()
    .set(out[3]);
}

/** `y[b, m·ty + a, m·tx + e, :] = (Aᵀ M A)[a, e]` for the block's tiles, inside `y` only. */
export function outputTransform(f: FuncBuilder, s: OutBlock, m: 2 | 4) {
  const n = m + 2, at = m === 2 ? at2 : at4;
  const rn = Array.from({ length: n }, (_, i) => i), rm = rn.slice(0, m);
  const L = () => f.local("i32");
  const V = () => f.local("v128");
  const tt = L(), tile = L(), b = L(), ty = L(), tx = L(), c = L(), q = L(), out = L();
  const obytes = L(), rbytes = L(), mp = L(), okR = rm.map(L), okC = rm.map(L);
  const mv = rn.map(() => rn.map(V)), r = rm.map(V), col = rm.map(V), tmp = [V(), V(), V(), V()];
  f.get(s.co).i32(2).shl().set(obytes);
  f.get(s.ow).get(obytes).mul().set(rbytes);
  f.i32(0).set(tt);
  f.forRange(tt, s.tb, 1, () => {
    f.get(s.blk).get(s.tb).mul().get(tt).add().tee(tile).get(s.total).ltU();
    f.if_();
    tileCoords(f, s, tile, b, ty, tx);
    for (let a = 1; a < m; a++) {
      f.get(ty).i32(m).mul().i32(a).add().get(s.oh).ltU().set(okR[a]);
      f.get(tx).i32(m).mul().i32(a).add().get(s.ow).ltU().set(okC[a]);
    }
    // out = y + ((b·oh + m·ty)·ow + m·tx)·co·4
    f.get(s.y).get(b).get(s.oh).mul().get(ty).i32(m).mul().add().get(s.ow).mul().get(tx).i32(m).mul().add()
      .get(obytes).mul().add().set(out);
    f.get(s.sM).get(tt).get(s.COB).mul().i32(5).shl().add().set(mp);
    f.i32(0).set(c);
    f.forRange(c, obytes, 16, () => {
      f.get(mp).get(c).add().set(q);
      for (const i of rn) {
        for (const j of rn) {
          f.get(q).v128Load().set(mv[i][j]);
          if (i < n - 1 || j < n - 1) f.get(q).get(s.ms).add().set(q);
        }
      }
      // Aᵀ down each column: rows 0 … m−1 of mv replaced by the m results
      for (const j of rn) {
        at(f, s, mv.map((row) => row[j]), col, tmp);
        for (const a of rm) f.get(col[a]).set(mv[a][j]);
      }
      for (const a of rm) {
        at(f, s, mv[a], r, tmp);
        f.get(out).get(c).add().set(q);
        if (a > 0) f.get(okR[a]).if_().get(q).get(rbytes).i32(a).mul().add().set(q);
        f.get(q).get(r[0]).v128Store();
        for (let e = 1; e < m; e++) {
          f.get(okC[e]).if_().get(q).i32(e).get(obytes).mul().add().get(r[e]).v128Store().end();
        }
        if (a > 0) f.end();
      }
    });
    f.end();
  });
}
