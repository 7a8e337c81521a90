/**
 * The output-gradient transforms of seglab's Winograd weight-gradient kernels
 * (`emit_conv_filter_grad_winograd.ts`): `W = A dy Aᵀ` of each tile's `m`×`m` output gradient,
 * for F(2×2, 3×3) (`m = 2`, 4×4 planes) and F(4×4, 3×3) (`m = 4`, 6×6 planes, the points of
 * `conv2d_winograd.ts`).
 * @module
 */
import type { FuncBuilder } from "./assembler.ts";
import { tileCoords } from "./emit_winograd_input.ts";

/** The locals the transform reads (see `emit_conv_filter_grad_winograd.ts`). */
export interface GradBlock {
  dy: number;
  zero: number;
  oh: number;
  ow: number;
  co: number;
  tb: number;
  blk: number;
  total: number;
  thw: number;
  tw: number;
  /** Bytes per row of `W` (`⌈co/8⌉·32`), bytes between `W`'s planes, where `W` starts. */
  obytes: number;
  ws: number;
  sW: number;
  /** f32x4 splats of 2, 4, 1/2, 1/4 (F(4×4, 3×3) only). */
  c2?: number;
  c4?: number;
  c05?: number;
  c025?: number;
}

/**
 * `A` of F(2, 3) with its last row negated, applied to two vectors: `[g0, g0 + g1, g0 − g1, g1]`
 * (the host negates `G`'s last row to match).
 */
function a2(f: FuncBuilder, _s: GradBlock, g: number[], out: number[]) {
  f.get(g[0]).set(out[0]);
  f.get(g[0]).get(g[1]).f32x4Add().set(out[1]);
  f.get(g[0]).get(g[1]).f32x4Sub().set(out[2]);
  f.get(g[1]).set(out[3]);
}

/**
 * `A` of F(4, 3) (points 0, 1, −1, 1/2, −2, ∞; `Aᵀ`'s rows `[1 1 1 1 1 0]`, `[0 1 −1 1/2 −2 0]`,
 * `[0 1 1 1/4 4 0]`, `[0 1 −1 1/8 −8 1]`) applied to four vectors: `g0`, `e + o`, `e − o`,
 * `(g0 + g2/4) + (g1 + g3/4)/2`, `(g0 + 4g2) − 2(g1 + 4g3)`, `g3` with `e = g0 + g2`, `o = g1 + g3`
 * (multiplications by powers of two only: exact).
 */
function a4(f: FuncBuilder, s: GradBlock, g: number[], out: number[]) {
  const c2 = s.c2!, c4 = s.c4!, c05 = s.c05!, c025 = s.c025!;
  f.get(g[0]).set(out[0]);
  f.get(g[0]).get(g[2]).f32x4Add().set(out[1]); // e (kept in out[1] until o1, o2)
  f.get(g[1]).get(g[3]).f32x4Add().set(out[5]); // o (kept in out[5])
  f.get(out[1]).get(out[5]).f32x4Sub().set(out[2]);
  f.get(out[1]).get(out[5]).f32x4Add().set(out[1]);
  f.get(g[0]).get(g[2]).get(c025).f32x4Mul().f32x4Add();
  f.get(g[1]).get(g[3]).get(c025).f32x4Mul().f32x4Add().get(c05).f32x4Mul().f32x4Add().set(out[3]);
  f.get(g[0]).get(g[2]).get(c4).f32x4Mul().f32x4Add();
  f.get(g[1]).get(g[3]).get(c4).f32x4Mul().f32x4Add().get(c2).f32x4Mul().f32x4Sub().set(out[4]);
  f.get(g[3]).set(out[5]);
}

/** `W[ξ, tt, :] = (A dy Aᵀ)[ξ]` of each tile's `m`×`m` output gradient (zero outside `dy`). */
export function gradTransform(f: FuncBuilder, s: GradBlock, m: 2 | 4) {
  const L = () => f.local("i32");
  const V = () => f.local("v128");
  const alpha = m + 2, range = (k: number) => Array.from({ length: k }, (_, i) => i);
  const apply = m === 2 ? a2 : a4;
  const tt = L(),
    tile = L(),
    b = L(),
    ty = L(),
    tx = L(),
    ok = L(),
    c = L(),
    wp = L(),
    base = L(),
    gbytes = L();
  const rowOk = range(m).map(L), colOk = range(m).map(L), addr = range(m).map(() => range(m).map(L));
  const g = range(m).map(V), h = range(m).map(() => range(alpha).map(V)), col = range(m).map(V);
  const out = range(alpha).map(V);
  f.get(s.co).i32(2).shl().set(gbytes);
  f.i32(0).set(tt);
  f.forRange(tt, s.tb, 1, () => {
    f.get(s.blk).get(s.tb).mul().get(tt).add().tee(tile).get(s.total).ltU().set(ok);
    tileCoords(f, s, tile, b, ty, tx);
    for (let r = 0; r < m; r++) {
      f.get(ty).i32(m).mul().i32(r).add().get(s.oh).ltU().get(ok).and().set(rowOk[r]);
      f.get(tx).i32(m).mul().i32(r).add().get(s.ow).ltU().set(colOk[r]);
    }
    // base = dy + ((b·oh + m·ty)·ow + m·tx)·co·4; addr[r][q] = base + (r·ow + q)·co·4, or zero
    f.get(s.dy).get(b).get(s.oh).mul().get(ty).i32(m).mul().add().get(s.ow).mul().get(tx).i32(m).mul().add()
      .get(gbytes).mul().add().set(base);
    for (let r = 0; r < m; r++) {
      for (let q = 0; q < m; q++) {
        f.get(base).get(s.ow).i32(r).mul().i32(q).add().get(gbytes).mul().add().get(s.zero);
        f.get(rowOk[r]).get(colOk[q]).and().select().set(addr[r][q]);
      }
    }
    f.i32(0).set(c);
    f.forRange(c, gbytes, 16, () => {
      for (let r = 0; r < m; r++) { // along each row
        for (let q = 0; q < m; q++) f.get(addr[r][q]).get(c).add().v128Load().set(g[q]);
        apply(f, s, g, h[r]);
      }
      f.get(s.sW).get(tt).get(s.obytes).mul().add().get(c).add().set(wp);
      for (let e = 0; e < alpha; e++) { // down each column: W[a·α + e] = out[a]
        for (let r = 0; r < m; r++) f.get(h[r][e]).set(col[r]);
        apply(f, s, col, out);
        for (let a = 0; a < alpha; a++) {
          f.get(wp).get(s.ws).i32(a * alpha + e).mul().add().get(out[a]).v128Store();
        }
      }
    });
  });
}
