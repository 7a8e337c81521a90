/**
 * The emitter of the Winograd F(2×2, 3×3) convolution kernel (`conv2d_winograd`); its host side
 * (filter transform, scratch, splitting across threads) is `conv2d_winograd.ts`.
 *
 * One work item is a block of `tb` output tiles (2×2 pixels each, tiles numbered over batch, tile
 * row, tile column). Per block, in the calling thread's scratch slot: the input transform
 * `V = Bᵀ d B` of every tile's 4×4 input patch (`[16, tb, ci]`, each plane padded by `PAD`
 * bytes), sixteen small matrix products `M[ξ] = V[ξ] · U[ξ]` (`[16, tb, ⌈co/8⌉·8]`, likewise padded; the filter transformed as `U = G g Gᵀ` and packed
 * `[16, ⌈co/8⌉, ci, 8]`), and the output transform `Y = Aᵀ M A` into `y`. The block's data stay in
 * cache between the three steps.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";
import { inputTransform, type TileBlock, tileCoords } from "./emit_winograd_input.ts";

/**
 * Padding after each of the 16 transformed planes, in bytes: without it, planes a power of two
 * apart (4 KiB for most channel counts) fall into the same cache sets, and the transforms' 16
 * streams evict each other.
 */
export const PAD = 64;

/** Input channels per iteration of the products' inner loop (`ci` is a multiple of 4). */
const UNROLL = 4;

/** The kernel's parameters, in order (the last two are the item range). */
const PARAMS = [
  "x",
  "u",
  "y",
  "scratch",
  "slotBytes",
  "zero",
  "n",
  "h",
  "w",
  "ci",
  "oh",
  "ow",
  "co",
  "pt",
  "pl",
  "tb",
  "chunks",
  "count",
  "t0",
  "t1",
] as const;
type P = Record<(typeof PARAMS)[number], number>;

/** Locals shared by the three steps. */
interface Shared {
  p: P;
  tw: number;
  thw: number;
  total: number;
  cbytes: number;
  COB: number;
  sV: number;
  sM: number;
  blk: number;
  /** Bytes between V[ξ] and V[ξ+1], M[ξ] and M[ξ+1]: padded by a cache line (see `PAD`). */
  vs: number;
  ms: number;
}

/**
 * Emits `conv2d_winograd(x, u, y, scratch, slotBytes, zero, n, h, w, ci, oh, ow, co, pt, pl, tb,
 * chunks, count, t0, t1)`: the blocks `[t0, t1)` of a 3×3, stride-1 convolution. The scratch
 * slot is `scratch + k·slotBytes` for the chunk `k = ⌈t0·chunks/count⌉` that `runSplit` hands
 * out (so concurrent chunks never share one); `zero` points at `ci` zero floats (the padding).
 */
export function emitConv2dWinograd(m: ModuleBuilder, fma: boolean): void {
  const f = m.func("conv2d_winograd", Array(PARAMS.length).fill("i32"));
  const p = Object.fromEntries(PARAMS.map((k, i) => [k, i])) as P;
  const L = () => f.local("i32");
  const s: Shared = {
    p,
    tw: L(),
    thw: L(),
    total: L(),
    cbytes: L(),
    COB: L(),
    sV: L(),
    sM: L(),
    blk: L(),
    vs: L(),
    ms: L(),
  };
  f.get(p.ow).i32(1).add().i32(1).shrU().set(s.tw);
  f.get(p.oh).i32(1).add().i32(1).shrU().get(s.tw).mul().set(s.thw);
  f.get(s.thw).get(p.n).mul().set(s.total);
  f.get(p.ci).i32(2).shl().set(s.cbytes);
  f.get(p.co).i32(7).add().i32(3).shrU().set(s.COB);
  // slot k = ⌈t0·chunks / count⌉; V at its start, M after V's 16·tb·ci floats
  f.get(p.scratch).get(p.t0).get(p.chunks).mul().get(p.count).add().i32(1).sub().get(p.count).divU()
    .get(p.slotBytes).mul().add().set(s.sV);
  f.get(p.tb).get(s.cbytes).mul().i32(PAD).add().set(s.vs);
  f.get(p.tb).get(s.COB).mul().i32(5).shl().i32(PAD).add().set(s.ms);
  f.get(s.sV).get(s.vs).i32(4).shl().add().set(s.sM);
  f.get(p.t0).set(s.blk);
  f.forRange(s.blk, p.t1, 1, () => {
    inputTransform(f, tileBlock(s));
    products(f, s, fma);
    outputTransform(f, s);
  });
}

/** The forward kernel's locals as the input transform's {@linkcode TileBlock}. */
function tileBlock(s: Shared): TileBlock {
  const { x, zero, h, w, pt, pl, tb } = s.p;
  const { blk, total, thw, tw, cbytes, sV, vs } = s;
  return { x, zero, h, w, pt, pl, tb, blk, total, thw, tw, cbytes, sV, vs };
}

/** Step 2: `M[ξ, tt, o] = Σ_c V[ξ, tt, c] · U[ξ, c, o]`, 4 tiles × 8 output channels at a time. */
function products(f: FuncBuilder, s: Shared, fma: boolean) {
  const { p } = s;
  const L = () => f.local("i32");
  const xi = L(), cob = L(), g = L(), w0 = L(), wp = L(), cnt = L(), mrow = L();
  const vp = [L(), L(), L(), L()];
  const acc = Array.from({ length: 4 }, () => [f.local("v128"), f.local("v128")]);
  const g0 = f.local("v128"), g1 = f.local("v128"), sp = f.local("v128");
  const madd = (a: number, w: number) => {
    if (fma) f.get(sp).get(w).get(a).f32x4RelaxedMadd().set(a);
    else f.get(a).get(sp).get(w).f32x4Mul().f32x4Add().set(a);
  };
  const sixteen = L();
  f.i32(16).set(sixteen);
  f.i32(0).set(xi);
  f.forRange(xi, sixteen, 1, () => {
    f.i32(0).set(cob);
    f.forRange(cob, s.COB, 1, () => {
      // w0 = u + (ξ·COB + cob)·ci·32
      f.get(p.u).get(xi).get(s.COB).mul().get(cob).add().get(p.ci).mul().i32(5).shl().add().set(w0);
      f.i32(0).set(g);
      f.forRange(g, p.tb, 4, () => {
        for (const a of acc) for (const v of a) f.f32(0).f32x4Splat().set(v);
        f.get(s.sV).get(xi).get(s.vs).mul().add().get(g).get(s.cbytes).mul().add().set(vp[0]);
        for (let q = 1; q < 4; q++) f.get(vp[q - 1]).get(s.cbytes).add().set(vp[q]);
        f.get(w0).set(wp);
        f.get(p.ci).set(cnt);
        f.block().loop();
        f.get(cnt).eqz().brIf(1);
        for (let k = 0; k < UNROLL; k++) {
          f.get(wp).v128Load(32 * k).set(g0);
          f.get(wp).v128Load(32 * k + 16).set(g1);
          for (let q = 0; q < 4; q++) {
            f.get(vp[q]).v128Load32Splat(4 * k).set(sp);
            madd(acc[q][0], g0);
            madd(acc[q][1], g1);
          }
        }
        for (let q = 0; q < 4; q++) f.get(vp[q]).i32(4 * UNROLL).add().set(vp[q]);
        f.get(wp).i32(32 * UNROLL).add().set(wp);
        f.get(cnt).i32(UNROLL).sub().set(cnt);
        f.br(0).end().end();
        // mrow = sM + ξ·ms + (g·COB + cob)·32; tiles are COB·32 bytes apart
        f.get(s.sM).get(xi).get(s.ms).mul().add().get(g).get(s.COB).mul().get(cob).add().i32(5).shl().add()
          .set(mrow);
        for (let q = 0; q < 4; q++) {
          f.get(mrow).get(acc[q][0]).v128Store();
          f.get(mrow).get(acc[q][1]).v128Store(16);
          if (q < 3) f.get(mrow).get(s.COB).i32(5).shl().add().set(mrow);
        }
      });
    });
  });
}

/** `Aᵀ` applied to four vectors (locals): pushes nothing, sets `out[0]`, `out[1]`. */
function at(f: FuncBuilder, m: number[], out: number[]) {
  f.get(m[0]).get(m[1]).f32x4Add().get(m[2]).f32x4Add().set(out[0]);
  f.get(m[1]).get(m[2]).f32x4Sub().get(m[3]).f32x4Sub().set(out[1]);
}

/** Step 3: `y[b, 2ty + a, 2tx + e, :] = (Aᵀ M A)[a, e]` for the block's tiles, inside `y` only. */
function outputTransform(f: FuncBuilder, s: Shared) {
  const { p } = s;
  const L = () => f.local("i32");
  const tt = L(), tile = L(), b = L(), ty = L(), tx = L(), c = L(), q = L(), out = L(), ms = s.ms;
  const obytes = L(), rbytes = L(), okR = L(), okC = L(), mp = L();
  const V = () => f.local("v128");
  const mv = Array.from({ length: 4 }, () => [V(), V(), V(), V()]);
  const r = [V(), V(), V(), V()], col = [V(), V()];
  f.get(p.co).i32(2).shl().set(obytes);
  f.get(p.ow).get(obytes).mul().set(rbytes);
  f.i32(0).set(tt);
  f.forRange(tt, p.tb, 1, () => {
    f.get(s.blk).get(p.tb).mul().get(tt).add().tee(tile).get(s.total).ltU();
    f.if_();
    tileCoords(f, s, tile, b, ty, tx);
    f.get(ty).i32(1).shl().i32(1).add().get(p.oh).ltU().set(okR);
    f.get(tx).i32(1).shl().i32(1).add().get(p.ow).ltU().set(okC);
    // out = y + ((b·oh + 2ty)·ow + 2tx)·co·4
    f.get(p.y).get(b).get(p.oh).mul().get(ty).i32(1).shl().add().get(p.ow).mul().get(tx).i32(1).shl().add()
      .get(obytes).mul().add().set(out);
    f.get(s.sM).get(tt).get(s.COB).mul().i32(5).shl().add().set(mp);
    f.i32(0).set(c);
    f.forRange(c, obytes, 16, () => {
      f.get(mp).get(c).add().set(q);
      for (let i = 0; i < 4; i++) {
        for (let j = 0; j < 4; j++) {
          f.get(q).v128Load().set(mv[i][j]);
          if (i < 3 || j < 3) f.get(q).get(ms).add().set(q);
        }
      }
      // rows: r[0..3] = Aᵀ applied down each column → two rows of four
      for (let j = 0; j < 4; j++) {
        at(f, [mv[0][j], mv[1][j], mv[2][j], mv[3][j]], col);
        f.get(col[0]).set(mv[0][j]);
        f.get(col[1]).set(mv[1][j]);
      }
      at(f, mv[0], [r[0], r[1]]);
      at(f, mv[1], [r[2], r[3]]);
      f.get(out).get(c).add().set(q);
      f.get(q).get(r[0]).v128Store();
      f.get(okC).if_().get(q).get(obytes).add().get(r[1]).v128Store().end();
      f.get(okR).if_();
      f.get(q).get(rbytes).add().set(q);
      f.get(q).get(r[2]).v128Store();
      f.get(okC).if_().get(q).get(obytes).add().get(r[3]).v128Store().end();
      f.end();
    });
    f.end();
  });
}
