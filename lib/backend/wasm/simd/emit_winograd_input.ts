/**
 * The input transform shared by seglab's Winograd F(2×2, 3×3) kernels (the convolution,
 * `emit_conv2d_winograd.ts`, and its weight gradient, `emit_conv_filter_grad_winograd.ts`):
 * `V = Bᵀ d B` of the 4×4 input patch under each 2×2 output tile of a block.
 * @module
 */
import type { FuncBuilder } from "./assembler.ts";

/**
 * The locals (or parameters) the transform reads: the NHWC input `x` (`h`×`w`, `cbytes` bytes per
 * pixel), `zero` (`ci` zero floats, read for padding), the padding before `x` (`pt`, `pl`), the
 * block `blk` of `tb` tiles out of `total` (`thw` per image, `tw` per tile row), and where
 * `V` goes: `sV`, `vs` bytes between its 16 planes (`[16, tb, ci]`).
 */
export interface TileBlock {
  x: number;
  zero: number;
  h: number;
  w: number;
  pt: number;
  pl: number;
  tb: number;
  blk: number;
  total: number;
  thw: number;
  tw: number;
  cbytes: number;
  sV: number;
  vs: number;
}

/** `tile → (b, ty, tx)`: sets the three locals from the tile index local. */
export function tileCoords(
  f: FuncBuilder,
  s: { thw: number; tw: number },
  tile: number,
  b: number,
  ty: number,
  tx: number,
) {
  const rem = f.local("i32");
  f.get(tile).get(s.thw).divU().set(b);
  f.get(tile).get(s.thw).remU().set(rem);
  f.get(rem).get(s.tw).divU().set(ty);
  f.get(rem).get(s.tw).remU().set(tx);
}

/** `Bᵀ` applied to four vectors (locals), results into `out`. */
function bt(f: FuncBuilder, d: number[], out: number[]) {
  f.get(d[0]).get(d[2]).f32x4Sub().set(out[0]);
  f.get(d[1]).get(d[2]).f32x4Add().set(out[1]);
  f.get(d[2]).get(d[1]).f32x4Sub().set(out[2]);
  f.get(d[1]).get(d[3]).f32x4Sub().set(out[3]);
}

/** Step 1: `V[ξ, tt, :] = (Bᵀ d B)[ξ]` for every tile `tt` of the block (zero padding via `zero`). */
export function inputTransform(f: FuncBuilder, s: TileBlock) {
  const p = s;
  const L = () => f.local("i32");
  const tt = L(), tile = L(), b = L(), ty = L(), tx = L(), r0 = L(), c0 = L(), ok = L(), c = L(), vp = L();
  const vs = s.vs;
  const rowAddr = [L(), L(), L(), L()], rowOk = [L(), L(), L(), L()];
  const addr = Array.from({ length: 4 }, () => [L(), L(), L(), L()]);
  const V = () => f.local("v128");
  const d = [V(), V(), V(), V()];
  const t = Array.from({ length: 4 }, () => [V(), V(), V(), V()]);
  f.i32(0).set(tt);
  f.forRange(tt, p.tb, 1, () => {
    f.get(s.blk).get(p.tb).mul().get(tt).add().tee(tile).get(s.total).ltU().set(ok);
    tileCoords(f, s, tile, b, ty, tx);
    f.get(ty).i32(1).shl().get(p.pt).sub().set(r0);
    f.get(tx).i32(1).shl().get(p.pl).sub().set(c0);
    for (let i = 0; i < 4; i++) {
      f.get(r0).i32(i).add().get(p.h).ltU().get(ok).and().set(rowOk[i]);
      f.get(p.x).get(b).get(p.h).mul().get(r0).add().i32(i).add().get(p.w).mul().get(s.cbytes).mul().add()
        .set(rowAddr[i]);
    }
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        f.get(rowAddr[i]).get(c0).i32(j).add().get(s.cbytes).mul().add();
        f.get(p.zero);
        f.get(c0).i32(j).add().get(p.w).ltU().get(rowOk[i]).and();
        f.select().set(addr[i][j]);
      }
    }
    f.i32(0).set(c);
    f.forRange(c, s.cbytes, 16, () => {
      for (let j = 0; j < 4; j++) {
        for (let i = 0; i < 4; i++) f.get(addr[i][j]).get(c).add().v128Load().set(d[i]);
        bt(f, d, [t[0][j], t[1][j], t[2][j], t[3][j]]);
      }
      f.get(s.sV).get(tt).get(s.cbytes).mul().add().get(c).add().set(vp);
      for (let i = 0; i < 4; i++) {
        bt(f, t[i], d);
        for (let j = 0; j < 4; j++) {
          f.get(vp).get(d[j]).v128Store();
          if (i < 3 || j < 3) f.get(vp).get(vs).add().set(vp);
        }
      }
    });
  });
}
