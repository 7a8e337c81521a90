/**
 * The emitter of the Winograd F(4×4, 3×3) convolution kernel (`conv2d_winograd4`); its host side
 * (filter transform, scratch, splitting across threads, error bound) is `conv2d_winograd4.ts`.
 *
 * One work item is a block of `tb` output tiles (4×4 pixels each, numbered over batch, tile row,
 * tile column). Per block, in the calling thread's scratch slot: the input transform
 * `V = Bᵀ d B` of every tile's 6×6 input patch (`[36, tb, ci]`, each plane padded by
 * {@linkcode PAD4} bytes), 36 small matrix products `M[ξ] = V[ξ] · U[ξ]`
 * (`[36, tb, ⌈co/8⌉·8]`, likewise padded; the filter transformed as `U = G g Gᵀ` and packed
 * `[36, ⌈co/8⌉, ci, 8]`), and the output transform `Y = Aᵀ M A` into `y`, cut at its border.
 *
 * The interpolation points are 0, 1, −1, 1/2, −2 and ∞ (see `conv2d_winograd4.ts` for why not the
 * usual ±2): `Aᵀ` holds only powers of two (exact multiplications), `Bᵀ` also ±3/2 and ±5/2; both
 * are emitted factored (`Bᵀ`: 22 operations per six vectors, `Aᵀ`: 17 per six).
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";
import { inputTransform4, type TileBlock4 } from "./emit_winograd4_input.ts";
import { tileCoords } from "./emit_winograd_input.ts";

/** Padding after each of the 36 transformed planes, in bytes (keeps the planes' streams apart in cache). */
export const PAD4 = 64;

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
  /** Bytes between V[ξ] and V[ξ+1], M[ξ] and M[ξ+1]. */
  vs: number;
  ms: number;
  /** f32x4 splats of 2, 4, 1/2, 1/4 and 3/2. */
  c2: number;
  c4: number;
  c05: number;
  c025: number;
  c15: number;
}

/**
 * Emits `conv2d_winograd4(x, u, y, scratch, slotBytes, zero, n, h, w, ci, oh, ow, co, pt, pl, tb,
 * chunks, count, t0, t1)`: the blocks `[t0, t1)` of a 3×3, stride-1 convolution. The scratch slot
 * is `scratch + k·slotBytes` for the chunk `k = ⌈t0·chunks/count⌉` that `runSplit` hands out;
 * `zero` points at `ci` zero floats (the padding).
 */
export function emitConv2dWinograd4(m: ModuleBuilder, fma: boolean): void {
  const f = m.func("conv2d_winograd4", Array(PARAMS.length).fill("i32"));
  const p = Object.fromEntries(PARAMS.map((k, i) => [k, i])) as P;
  const L = () => f.local("i32");
  const V = () => f.local("v128");
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
    c2: V(),
    c4: V(),
    c05: V(),
    c025: V(),
    c15: V(),
  };
  f.f32(2).f32x4Splat().set(s.c2);
  f.f32(4).f32x4Splat().set(s.c4);
  f.f32(0.5).f32x4Splat().set(s.c05);
  f.f32(0.25).f32x4Splat().set(s.c025);
  f.f32(1.5).f32x4Splat().set(s.c15);
  f.get(p.ow).i32(3).add().i32(2).shrU().set(s.tw);
  f.get(p.oh).i32(3).add().i32(2).shrU().get(s.tw).mul().set(s.thw);
  f.get(s.thw).get(p.n).mul().set(s.total);
  f.get(p.ci).i32(2).shl().set(s.cbytes);
  f.get(p.co).i32(7).add().i32(3).shrU().set(s.COB);
  // slot k = ⌈t0·chunks / count⌉; V at its start, M after V's 36 planes
  f.get(p.scratch).get(p.t0).get(p.chunks).mul().get(p.count).add().i32(1).sub().get(p.count).divU()
    .get(p.slotBytes).mul().add().set(s.sV);
  f.get(p.tb).get(s.cbytes).mul().i32(PAD4).add().set(s.vs);
  f.get(p.tb).get(s.COB).mul().i32(5).shl().i32(PAD4).add().set(s.ms);
  f.get(s.sV).get(s.vs).i32(36).mul().add().set(s.sM);
  f.get(p.t0).set(s.blk);
  f.forRange(s.blk, p.t1, 1, () => {
    inputTransform4(f, tileBlock(s));
    products(f, s, fma);
    outputTransform(f, s);
  });
}

/** The forward kernel's locals as the input transform's {@linkcode TileBlock4}. */
function tileBlock(s: Shared): TileBlock4 {
  const { x, zero, h, w, pt, pl, tb } = s.p;
  const { blk, total, thw, tw, cbytes, sV, vs, c2, c05, c15 } = s;
  return { x, zero, h, w, pt, pl, tb, blk, total, thw, tw, cbytes, sV, vs, c2, c05, c15 };
}

/** Step 2: `M[ξ, tt, o] = Σ_c V[ξ, tt, c] · U[ξ, c, o]`, 4 tiles × 8 output channels at a time. */
function products(f: FuncBuilder, s: Shared, fma: boolean) {
  const { p } = s;
  const L = () => f.local("i32");
  const xi = L(), cob = L(), g = L(), w0 = L(), wp = L(), cnt = L(), mrow = L(), planes = L();
  const vp = [L(), L(), L(), L()];
  const acc = Array.from({ length: 4 }, () => [f.local("v128"), f.local("v128")]);
  const g0 = f.local("v128"), g1 = f.local("v128"), sp = f.local("v128");
  const madd = (a: number, w: number) => {
    if (fma) f.get(sp).get(w).get(a).f32x4RelaxedMadd().set(a);
    else f.get(a).get(sp).get(w).f32x4Mul().f32x4Add().set(a);
  };
  f.i32(36).set(planes);
  f.i32(0).set(xi);
  f.forRange(xi, planes, 1, () => {
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

/**
 * `Aᵀ` applied to six vectors (locals `m`), results into `out` (four locals, distinct from `m`);
 * `t` are four scratch locals. Rows of `Aᵀ`: `[1 1 1 1 1 0]`, `[0 1 −1 1/2 −2 0]`,
 * `[0 1 1 1/4 4 0]`, `[0 1 −1 1/8 −8 1]` (every multiplication is by a power of two: exact).
 */
function at(f: FuncBuilder, s: Shared, m: number[], out: number[], t: number[]) {
  const [a, b, p, q] = t;
  f.get(m[1]).get(m[2]).f32x4Add().set(a);
  f.get(m[1]).get(m[2]).f32x4Sub().set(b);
  f.get(m[3]).get(s.c05).f32x4Mul().set(p); // m3/2
  f.get(m[4]).get(s.c2).f32x4Mul().set(q); // 2·m4
  f.get(m[0]).get(a).f32x4Add().get(m[3]).f32x4Add().get(m[4]).f32x4Add().set(out[0]);
  f.get(b).get(p).f32x4Add().get(q).f32x4Sub().set(out[1]);
  f.get(a).get(p).get(s.c05).f32x4Mul().f32x4Add().get(q).get(s.c2).f32x4Mul().f32x4Add().set(out[2]);
  f.get(b).get(p).get(s.c025).f32x4Mul().f32x4Add().get(q).get(s.c4).f32x4Mul().f32x4Sub().get(m[5])
    .f32x4Add()
    .set(out[3]);
}

/** Step 3: `y[b, 4ty + a, 4tx + e, :] = (Aᵀ M A)[a, e]` for the block's tiles, inside `y` only. */
function outputTransform(f: FuncBuilder, s: Shared) {
  const { p } = s;
  const L = () => f.local("i32");
  const tt = L(), tile = L(), b = L(), ty = L(), tx = L(), c = L(), q = L(), out = L();
  const obytes = L(), rbytes = L(), mp = L();
  const okR = [0, 1, 2, 3].map(L), okC = [0, 1, 2, 3].map(L);
  const V = () => f.local("v128");
  const mv = Array.from({ length: 6 }, () => [V(), V(), V(), V(), V(), V()]);
  const r = [V(), V(), V(), V()], tmp = [V(), V(), V(), V()];
  const col = [V(), V(), V(), V()];
  f.get(p.co).i32(2).shl().set(obytes);
  f.get(p.ow).get(obytes).mul().set(rbytes);
  f.i32(0).set(tt);
  f.forRange(tt, p.tb, 1, () => {
    f.get(s.blk).get(p.tb).mul().get(tt).add().tee(tile).get(s.total).ltU();
    f.if_();
    tileCoords(f, s, tile, b, ty, tx);
    for (let a = 1; a < 4; a++) {
      f.get(ty).i32(2).shl().i32(a).add().get(p.oh).ltU().set(okR[a]);
      f.get(tx).i32(2).shl().i32(a).add().get(p.ow).ltU().set(okC[a]);
    }
    // out = y + ((b·oh + 4ty)·ow + 4tx)·co·4
    f.get(p.y).get(b).get(p.oh).mul().get(ty).i32(2).shl().add().get(p.ow).mul().get(tx).i32(2).shl().add()
      .get(obytes).mul().add().set(out);
    f.get(s.sM).get(tt).get(s.COB).mul().i32(5).shl().add().set(mp);
    f.i32(0).set(c);
    f.forRange(c, obytes, 16, () => {
      f.get(mp).get(c).add().set(q);
      for (let i = 0; i < 6; i++) {
        for (let j = 0; j < 6; j++) {
          f.get(q).v128Load().set(mv[i][j]);
          if (i < 5 || j < 5) f.get(q).get(s.ms).add().set(q);
        }
      }
      // Aᵀ down each column: rows 0–3 of mv replaced by the four results
      for (let j = 0; j < 6; j++) {
        at(f, s, mv.map((row) => row[j]), col, tmp);
        for (let a = 0; a < 4; a++) f.get(col[a]).set(mv[a][j]);
      }
      for (let a = 0; a < 4; a++) {
        at(f, s, mv[a], r, tmp);
        f.get(out).get(c).add().set(q);
        if (a > 0) f.get(okR[a]).if_().get(q).get(rbytes).i32(a).mul().add().set(q);
        f.get(q).get(r[0]).v128Store();
        for (let e = 1; e < 4; e++) {
          f.get(okC[e]).if_().get(q).i32(e).get(obytes).mul().add().get(r[e]).v128Store().end();
        }
        if (a > 0) f.end();
      }
    });
    f.end();
  });
}
