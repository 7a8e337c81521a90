/**
 * The emitters of the Winograd convolution kernels, F(2×2, 3×3) (`conv2d_winograd`) and
 * F(4×4, 3×3) (`conv2d_winograd4`); their host sides (filter transforms, scratch, splitting across
 * threads) are `conv2d_winograd.ts` and `winograd_filter.ts`.
 *
 * One work item is a block of `tb` output tiles (m×m pixels each, tiles numbered over batch, tile
 * row, tile column; α = m + 2). Per block, in the calling thread's scratch slot: the input
 * transform `V = Bᵀ d B` of every tile's α×α input patch (`[α², tb, ci]`, each plane padded by
 * {@linkcode PAD} bytes; `emit_winograd_input.ts`), α² small matrix products `M[ξ] = V[ξ] · U[ξ]`
 * (`[α², tb, ⌈co/8⌉·8]`, likewise padded; the filter transformed as `U = G g Gᵀ` and packed
 * `[α², ⌈co/8⌉, ci, 8]`), and the output transform `Y = Aᵀ M A` into `y`, cut at its border
 * (`emit_winograd_output.ts`). The block's data stay in cache between the three steps.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";
import { inputTransform, type TileBlock, type Tiling, tilingLocals } from "./emit_winograd_input.ts";
import { type OutBlock, outputTransform } from "./emit_winograd_output.ts";

/**
 * Padding after each of the α² transformed planes, in bytes: without it, planes a power of two
 * apart (4 KiB for most channel counts) fall into the same cache sets, and the transforms'
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
interface Shared extends Tiling {
  p: P;
  m: 2 | 4;
  sV: number;
  sM: number;
  blk: number;
  /** Bytes between V[ξ] and V[ξ+1], M[ξ] and M[ξ+1]: padded by a cache line (see `PAD`). */
  vs: number;
  ms: number;
}

/** Emits the F(2×2, 3×3) kernel, `conv2d_winograd` (see {@linkcode emitVariant}). */
export function emitConv2dWinograd(m: ModuleBuilder, fma: boolean): void {
  emitVariant(m, fma, "conv2d_winograd", 2);
}

/** Emits the F(4×4, 3×3) kernel, `conv2d_winograd4` (see {@linkcode emitVariant}). */
export function emitConv2dWinograd4(m: ModuleBuilder, fma: boolean): void {
  emitVariant(m, fma, "conv2d_winograd4", 4);
}

/**
 * Emits `name(x, u, y, scratch, slotBytes, zero, n, h, w, ci, oh, ow, co, pt, pl, tb, chunks,
 * count, t0, t1)`: the blocks `[t0, t1)` of a 3×3, stride-1 convolution by F(m×m, 3×3). The
 * scratch slot is `scratch + k·slotBytes` for the chunk `k = ⌈t0·chunks/count⌉` that `runSplit`
 * hands out (so concurrent chunks never share one); `zero` points at `ci` zero floats (the padding).
 */
function emitVariant(mb: ModuleBuilder, fma: boolean, name: string, m: 2 | 4): void {
  const f = mb.func(name, Array(PARAMS.length).fill("i32"));
  const p = Object.fromEntries(PARAMS.map((k, i) => [k, i])) as P;
  const L = () => f.local("i32");
  const sV = L();
  const tiling = tilingLocals(f, m, p, { ...p, slot: sV });
  const s: Shared = { p, m, ...tiling, sV, sM: L(), blk: L(), vs: L(), ms: L() };
  // V at the slot's start, M after V's α² planes
  f.get(p.tb).get(s.cbytes).mul().i32(PAD).add().set(s.vs);
  f.get(p.tb).get(s.COB).mul().i32(5).shl().i32(PAD).add().set(s.ms);
  f.get(s.sV).get(s.vs).i32((m + 2) ** 2).mul().add().set(s.sM);
  f.get(p.t0).set(s.blk);
  f.forRange(s.blk, p.t1, 1, () => {
    inputTransform(f, tileBlock(s), m);
    products(f, s, fma);
    outputTransform(f, outBlock(s), m);
  });
}

/** The kernel's locals as the input transform's {@linkcode TileBlock}. */
function tileBlock(s: Shared): TileBlock {
  const { x, zero, h, w, pt, pl, tb } = s.p;
  const { blk, total, thw, tw, cbytes, sV, vs, c2, c05, c15 } = s;
  return { x, zero, h, w, pt, pl, tb, blk, total, thw, tw, cbytes, sV, vs, c2, c05, c15 };
}

/** The kernel's locals as the output transform's {@linkcode OutBlock}. */
function outBlock(s: Shared): OutBlock {
  const { y, oh, ow, co, tb } = s.p;
  const { blk, total, thw, tw, sM, ms, COB, c2, c4, c05, c025 } = s;
  return { y, oh, ow, co, tb, blk, total, thw, tw, sM, ms, COB, c2, c4, c05, c025 };
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
  const planes = L();
  f.i32((s.m + 2) ** 2).set(planes);
  f.i32(0).set(xi);
  f.forRange(xi, planes, 1, () => {
    f.i32(0).set(cob);
    f.forRange(cob, s.COB, 1, () => {
      // w0 = u + ξ·(COB·ci·32 + PAD) + cob·ci·32 (U's planes are padded too: winograd_filter.ts)
      f.get(p.u).get(xi).get(s.COB).get(p.ci).mul().i32(5).shl().i32(PAD).add().mul().add();
      f.get(cob).get(p.ci).mul().i32(5).shl().add().set(w0);
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
