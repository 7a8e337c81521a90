/**
 * The input transform of seglab's Winograd F(4×4, 3×3) kernels (the convolution,
 * `emit_conv2d_winograd4.ts`, and its weight gradient, `emit_conv_filter_grad_winograd.ts`):
 * `V = Bᵀ d B` of the 6×6 input patch under each 4×4 output tile of a block, at the interpolation
 * points 0, 1, −1, 1/2, −2, ∞ (see `conv2d_winograd4.ts`).
 * @module
 */
import type { FuncBuilder } from "./assembler.ts";
import { type TileBlock, tileCoords } from "./emit_winograd_input.ts";

/** {@linkcode TileBlock}'s locals (`V` now `[36, tb, ci]`) and f32x4 splats of 2, 1/2 and 3/2. */
export interface TileBlock4 extends TileBlock {
  c2: number;
  c05: number;
  c15: number;
}

/**
 * `Bᵀ` applied to six vectors (locals `d`), results into `out` (distinct from `d`); `t` are four
 * scratch locals. Rows of `Bᵀ`: `[1 −3/2 −2 3/2 1 0]`, `[0 −1 1/2 5/2 1 0]`, `[0 1 −5/2 1/2 1 0]`,
 * `[0 −2 −1 2 1 0]`, `[0 1/2 −1 −1/2 1 0]`, `[0 1 −3/2 −2 3/2 1]`, evaluated as below (22 operations).
 */
function bt(f: FuncBuilder, s: TileBlock4, d: number[], out: number[], t: number[]) {
  const [e, g] = t;
  f.get(d[3]).get(d[1]).f32x4Sub().set(e); // e = d3 − d1
  f.get(d[4]).get(d[2]).f32x4Sub().set(g); // g = d4 − d2
  // out0 = (d0 − d2) + g + 3/2·e; out5 = (d5 − d3) − e + 3/2·g
  f.get(d[0]).get(d[2]).f32x4Sub().get(g).f32x4Add().get(e).get(s.c15).f32x4Mul().f32x4Add().set(out[0]);
  f.get(d[5]).get(d[3]).f32x4Sub().get(e).f32x4Sub().get(g).get(s.c15).f32x4Mul().f32x4Add().set(out[5]);
  // out1 = (g + e) + 3/2·(d3 + d2); out2 = (g − e) + 3/2·(d3 − d2)
  f.get(g).get(e).f32x4Add().get(d[3]).get(d[2]).f32x4Add().get(s.c15).f32x4Mul().f32x4Add().set(out[1]);
  f.get(g).get(e).f32x4Sub().get(d[3]).get(d[2]).f32x4Sub().get(s.c15).f32x4Mul().f32x4Add().set(out[2]);
  // out3 = g + 2e; out4 = g − e/2
  f.get(g).get(e).get(s.c2).f32x4Mul().f32x4Add().set(out[3]);
  f.get(g).get(e).get(s.c05).f32x4Mul().f32x4Sub().set(out[4]);
}

/** Step 1: `V[ξ, tt, :] = (Bᵀ d B)[ξ]` for every tile `tt` of the block (zero padding via `zero`). */
export function inputTransform4(f: FuncBuilder, s: TileBlock4) {
  const p = s;
  const L = () => f.local("i32");
  const tt = L(), tile = L(), b = L(), ty = L(), tx = L(), r0 = L(), c0 = L(), ok = L(), c = L(), vp = L();
  const six = [0, 1, 2, 3, 4, 5];
  const rowAddr = six.map(L), rowOk = six.map(L);
  const addr = six.map(() => six.map(L));
  const V = () => f.local("v128");
  const d = six.map(V), e = six.map(V), tmp = [V(), V(), V(), V()];
  const t = six.map(() => six.map(V));
  f.i32(0).set(tt);
  f.forRange(tt, p.tb, 1, () => {
    f.get(s.blk).get(p.tb).mul().get(tt).add().tee(tile).get(s.total).ltU().set(ok);
    tileCoords(f, s, tile, b, ty, tx);
    f.get(ty).i32(2).shl().get(p.pt).sub().set(r0);
    f.get(tx).i32(2).shl().get(p.pl).sub().set(c0);
    for (let i = 0; i < 6; i++) {
      f.get(r0).i32(i).add().get(p.h).ltU().get(ok).and().set(rowOk[i]);
      f.get(p.x).get(b).get(p.h).mul().get(r0).add().i32(i).add().get(p.w).mul().get(s.cbytes).mul().add()
        .set(rowAddr[i]);
    }
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        f.get(rowAddr[i]).get(c0).i32(j).add().get(s.cbytes).mul().add();
        f.get(p.zero);
        f.get(c0).i32(j).add().get(p.w).ltU().get(rowOk[i]).and();
        f.select().set(addr[i][j]);
      }
    }
    f.i32(0).set(c);
    f.forRange(c, s.cbytes, 16, () => {
      for (let j = 0; j < 6; j++) {
        for (let i = 0; i < 6; i++) f.get(addr[i][j]).get(c).add().v128Load().set(d[i]);
        bt(f, s, d, six.map((i) => t[i][j]), tmp);
      }
      f.get(s.sV).get(tt).get(s.cbytes).mul().add().get(c).add().set(vp);
      for (let i = 0; i < 6; i++) {
        bt(f, s, t[i], e, tmp);
        for (let j = 0; j < 6; j++) {
          f.get(vp).get(e[j]).v128Store();
          if (i < 5 || j < 5) f.get(vp).get(s.vs).add().set(vp);
        }
      }
    });
  });
}
