/**
 * The input transform shared by seglab's Winograd kernels (the convolutions,
 * `emit_conv2d_winograd.ts`, and the weight gradient,
 * `emit_conv_filter_grad_winograd.ts`): `V = Bᵀ d B` of the (m+2)×(m+2) input patch under each
 * m×m output tile of a block, for F(2×2, 3×3) (`m = 2`) and F(4×4, 3×3) (`m = 4`, the points
 * 0, 1, −1, 1/2, −2, ∞ of `conv2d_winograd.ts`).
 * @module
 */
import type { FuncBuilder } from "./assembler.ts";

/**
 * The locals (or parameters) the transform reads: the NHWC input `x` (`h`×`w`, `cbytes` bytes per
 * pixel), `zero` (`ci` zero floats, read for padding), the padding before `x` (`pt`, `pl`), the
 * block `blk` of `tb` tiles out of `total` (`thw` per image, `tw` per tile row), and where
 * `V` goes: `sV`, `vs` bytes between its (m+2)² planes (`[(m+2)², tb, ci]`). F(4×4, 3×3) also
 * reads f32x4 splats of 2, 1/2 and 3/2 (`c2`, `c05`, `c15`).
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
  c2?: number;
  c05?: number;
  c15?: number;
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

/** F(2, 3)'s `Bᵀ` applied to four vectors (locals `d`), results into `out` (distinct from `d`). */
function bt2(f: FuncBuilder, _s: TileBlock, d: number[], out: number[]) {
  f.get(d[0]).get(d[2]).f32x4Sub().set(out[0]);
  f.get(d[1]).get(d[2]).f32x4Add().set(out[1]);
  f.get(d[2]).get(d[1]).f32x4Sub().set(out[2]);
  f.get(d[1]).get(d[3]).f32x4Sub().set(out[3]);
}

/**
 * F(4, 3)'s `Bᵀ` applied to six vectors (locals `d`), results into `out` (distinct from `d`); `t`
 * are two scratch locals. Rows of `Bᵀ`: `[1 −3/2 −2 3/2 1 0]`, `[0 −1 1/2 5/2 1 0]`,
 * `[0 1 −5/2 1/2 1 0]`, `[0 −2 −1 2 1 0]`, `[0 1/2 −1 −1/2 1 0]`, `[0 1 −3/2 −2 3/2 1]`, evaluated
 * as below (22 operations).
 */
function bt4(f: FuncBuilder, s: TileBlock, d: number[], out: number[], t: number[]) {
  const [e, g] = t, c15 = s.c15!, c2 = s.c2!, c05 = s.c05!;
  f.get(d[3]).get(d[1]).f32x4Sub().set(e); // e = d3 − d1
  f.get(d[4]).get(d[2]).f32x4Sub().set(g); // g = d4 − d2
  // out0 = (d0 − d2) + g + 3/2·e; out5 = (d5 − d3) − e + 3/2·g
  f.get(d[0]).get(d[2]).f32x4Sub().get(g).f32x4Add().get(e).get(c15).f32x4Mul().f32x4Add().set(out[0]);
  f.get(d[5]).get(d[3]).f32x4Sub().get(e).f32x4Sub().get(g).get(c15).f32x4Mul().f32x4Add().set(out[5]);
  // out1 = (g + e) + 3/2·(d3 + d2); out2 = (g − e) + 3/2·(d3 − d2)
  f.get(g).get(e).f32x4Add().get(d[3]).get(d[2]).f32x4Add().get(c15).f32x4Mul().f32x4Add().set(out[1]);
  f.get(g).get(e).f32x4Sub().get(d[3]).get(d[2]).f32x4Sub().get(c15).f32x4Mul().f32x4Add().set(out[2]);
  // out3 = g + 2e; out4 = g − e/2
  f.get(g).get(e).get(c2).f32x4Mul().f32x4Add().set(out[3]);
  f.get(g).get(e).get(c05).f32x4Mul().f32x4Sub().set(out[4]);
}

/**
 * `V[ξ, tt, :] = (Bᵀ d B)[ξ]` for every tile `tt` of the block, with output tiles of side `m`
 * (zero padding via `zero`).
 */
export function inputTransform(f: FuncBuilder, s: TileBlock, m: 2 | 4) {
  const n = m + 2, range = Array.from({ length: n }, (_, i) => i), bt = m === 2 ? bt2 : bt4;
  const L = () => f.local("i32");
  const V = () => f.local("v128");
  const tt = L(), tile = L(), b = L(), ty = L(), tx = L(), r0 = L(), c0 = L(), ok = L(), c = L(), vp = L();
  const rowAddr = range.map(L), rowOk = range.map(L), addr = range.map(() => range.map(L));
  const d = range.map(V), e = range.map(V), tmp = [V(), V()], t = range.map(() => range.map(V));
  f.i32(0).set(tt);
  f.forRange(tt, s.tb, 1, () => {
    f.get(s.blk).get(s.tb).mul().get(tt).add().tee(tile).get(s.total).ltU().set(ok);
    tileCoords(f, s, tile, b, ty, tx);
    f.get(ty).i32(m).mul().get(s.pt).sub().set(r0);
    f.get(tx).i32(m).mul().get(s.pl).sub().set(c0);
    for (const i of range) {
      f.get(r0).i32(i).add().get(s.h).ltU().get(ok).and().set(rowOk[i]);
      f.get(s.x).get(b).get(s.h).mul().get(r0).add().i32(i).add().get(s.w).mul().get(s.cbytes).mul().add()
        .set(rowAddr[i]);
    }
    for (const i of range) {
      for (const j of range) {
        f.get(rowAddr[i]).get(c0).i32(j).add().get(s.cbytes).mul().add();
        f.get(s.zero);
        f.get(c0).i32(j).add().get(s.w).ltU().get(rowOk[i]).and();
        f.select().set(addr[i][j]);
      }
    }
    f.i32(0).set(c);
    f.forRange(c, s.cbytes, 16, () => {
      for (const j of range) { // down each column
        for (const i of range) f.get(addr[i][j]).get(c).add().v128Load().set(d[i]);
        bt(f, s, d, range.map((i) => t[i][j]), tmp);
      }
      f.get(s.sV).get(tt).get(s.cbytes).mul().add().get(c).add().set(vp);
      for (const i of range) { // along each row
        bt(f, s, t[i], e, tmp);
        for (const j of range) {
          f.get(vp).get(e[j]).v128Store();
          if (i < n - 1 || j < n - 1) f.get(vp).get(s.vs).add().set(vp);
        }
      }
    });
  });
}

/** The locals every Winograd kernel derives from its shape (see {@linkcode tilingLocals}). */
export interface Tiling {
  /** Tiles per tile row and per image, tiles in all, bytes per input pixel, 8-channel groups of `co`. */
  tw: number;
  thw: number;
  total: number;
  cbytes: number;
  COB: number;
  /** f32x4 splats of 2, 4, 1/2, 1/4 and 3/2 (set for F(4×4, 3×3) only). */
  c2: number;
  c4: number;
  c05: number;
  c025: number;
  c15: number;
}

/**
 * Declares and sets a kernel's {@linkcode Tiling} locals for output tiles of side `m` from its
 * parameters `n`, `ci`, `oh`, `ow`, `co` (local indices), and the slot of its chunk:
 * `scratch + ⌈t0·chunks/count⌉·slotBytes` into the local `slot`.
 */
export function tilingLocals(
  f: FuncBuilder,
  m: 2 | 4,
  p: { n: number; ci: number; oh: number; ow: number; co: number },
  chunk: { scratch: number; slotBytes: number; chunks: number; count: number; t0: number; slot: number },
): Tiling {
  const L = () => f.local("i32");
  const V = () => f.local("v128");
  const t: Tiling = {
    tw: L(),
    thw: L(),
    total: L(),
    cbytes: L(),
    COB: L(),
    c2: V(),
    c4: V(),
    c05: V(),
    c025: V(),
    c15: V(),
  };
  const consts: [number, number][] = [[t.c2, 2], [t.c4, 4], [t.c05, 0.5], [t.c025, 0.25], [t.c15, 1.5]];
  if (m === 4) { for (const [v, c] of consts) f.f32(c).f32x4Splat().set(v); }
  const shift = m === 2 ? 1 : 2;
  f.get(p.ow).i32(m - 1).add().i32(shift).shrU().set(t.tw);
  f.get(p.oh).i32(m - 1).add().i32(shift).shrU().get(t.tw).mul().set(t.thw);
  f.get(t.thw).get(p.n).mul().set(t.total);
  f.get(p.ci).i32(2).shl().set(t.cbytes);
  f.get(p.co).i32(7).add().i32(3).shrU().set(t.COB);
  const { scratch, slotBytes, chunks, count, t0, slot } = chunk;
  f.get(scratch).get(t0).get(chunks).mul().get(count).add().i32(1).sub().get(count).divU()
    .get(slotBytes).mul().add().set(slot);
  return t;
}
