/**
 * The emitters of the Winograd weight-gradient kernels, F(2×2, 3×3) (`conv_filter_grad_winograd`)
 * and F(4×4, 3×3) (`conv_filter_grad_winograd4`); their host side (scratch, partial sums, the final
 * transform) is `conv_filter_grad_winograd.ts`.
 *
 * For a 3×3 stride-1 convolution `y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A` per `m`×`m` output tile, the
 * weight gradient is `dW = Gᵀ[Σ_tiles (Bᵀ d B) ⊙ (A dy Aᵀ)]G`. With `α = m + 2` (α² planes): one
 * work item is a run of blocks of `tb` tiles summed into one partial `M` (`[α², ci, ⌈co/8⌉·8]`);
 * per block, in the calling thread's scratch slot: the input transform `V = Bᵀ d B` (`[α², tb, ci]`,
 * shared with the convolutions: `emit_winograd_input.ts`), the
 * output-gradient transform `W = A dy Aᵀ` (`[α², tb, ⌈co/8⌉·8]`, `emit_winograd_grad.ts`), and α²
 * products `M[ξ] += V[ξ]ᵀ · W[ξ]`, 4 input × 8 output channels at a time.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";
import { inputTransform, type TileBlock, type Tiling, tilingLocals } from "./emit_winograd_input.ts";
import { type GradBlock, gradTransform } from "./emit_winograd_grad.ts";
import { PAD } from "./emit_conv2d_winograd.ts";

/** The kernel's parameters, in order (the last two are the item range). */
const PARAMS = [
  "x",
  "dy",
  "parts",
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
  "blocks",
  "items",
  "chunks",
  "t0",
  "t1",
] as const;
type P = Record<(typeof PARAMS)[number], number>;

/** Locals of the whole kernel. */
type State = TileBlock & GradBlock & Tiling & {
  p: P;
  /** The item's partial sum `M`. */
  part: number;
  /** Output tile side and planes (`(m + 2)²`). */
  m: 2 | 4;
  planes: number;
};

/** Emits the F(2×2, 3×3) kernel, `conv_filter_grad_winograd` (see {@linkcode emitVariant}). */
export function emitConvFilterGradWinograd(m: ModuleBuilder, fma: boolean): void {
  emitVariant(m, fma, "conv_filter_grad_winograd", 2);
}

/** Emits the F(4×4, 3×3) kernel, `conv_filter_grad_winograd4` (see {@linkcode emitVariant}). */
export function emitConvFilterGradWinograd4(m: ModuleBuilder, fma: boolean): void {
  emitVariant(m, fma, "conv_filter_grad_winograd4", 4);
}

/**
 * Emits `name(x, dy, parts, scratch, slotBytes, zero, n, h, w, ci, oh, ow, co, pt, pl, tb, blocks,
 * items, chunks, t0, t1)`: item `k` of `[t0, t1)` adds the blocks `⌊k·blocks/items⌋ …
 * ⌊(k+1)·blocks/items⌋` into partial `k` (at `parts + k·α²·ci·⌈co/8⌉·32`, zeroed here first).
 * The scratch slot is the chunk's (see `conv2d_winograd`); `zero` points at `max(ci, co)` zero
 * floats.
 */
function emitVariant(mb: ModuleBuilder, fma: boolean, name: string, m: 2 | 4): void {
  const f = mb.func(name, Array(PARAMS.length).fill("i32"));
  const p = Object.fromEntries(PARAMS.map((k, i) => [k, i])) as P;
  const L = () => f.local("i32");
  const planes = (m + 2) * (m + 2), sV = L();
  const tiling = tilingLocals(f, m, p, { ...p, count: p.items, slot: sV });
  const { x, dy, zero, h, w, oh, ow, co, pt, pl, tb } = p;
  const s: State = {
    p,
    m,
    planes,
    ...tiling,
    ...{ x, dy, zero, h, w, oh, ow, co, pt, pl, tb, sV },
    ...{ blk: L(), vs: L(), obytes: L(), ws: L(), sW: L(), part: L() },
  };
  const item = L(), b0 = L(), b1 = L();
  f.get(s.COB).i32(5).shl().set(s.obytes);
  // V at the slot's start, W after V's padded planes
  f.get(p.tb).get(s.cbytes).mul().i32(PAD).add().set(s.vs);
  f.get(p.tb).get(s.obytes).mul().i32(PAD).add().set(s.ws);
  f.get(s.sV).get(s.vs).i32(planes).mul().add().set(s.sW);
  // W's padding lanes past co are never written: zero the slot's W once
  f.get(s.sW).i32(0).get(s.ws).i32(planes).mul().memoryFill();
  f.get(p.t0).set(item);
  f.forRange(item, p.t1, 1, () => {
    // part = parts + item·planes·ci·obytes
    f.get(p.parts).get(item).get(p.ci).mul().get(s.obytes).mul().i32(planes).mul().add().set(s.part);
    f.get(s.part).i32(0).get(p.ci).get(s.obytes).mul().i32(planes).mul().memoryFill();
    f.get(item).get(p.blocks).mul().get(p.items).divU().set(b0);
    f.get(item).i32(1).add().get(p.blocks).mul().get(p.items).divU().set(b1);
    f.get(b0).set(s.blk);
    f.forRange(s.blk, b1, 1, () => {
      inputTransform(f, s, m);
      gradTransform(f, s, m);
      products(f, s, fma);
    });
  });
}

/** `M[ξ, c, o] += Σ_tt V[ξ, tt, c] · W[ξ, tt, o]`, 4 input × 8 output channels at a time. */
function products(f: FuncBuilder, s: State, fma: boolean) {
  const { p } = s;
  const L = () => f.local("i32");
  const xi = L(), cib = L(), CIB = L(), cob = L(), mp = L(), wp = L(), vp = L(), cnt = L(), planes = L();
  const acc = Array.from({ length: 4 }, () => [f.local("v128"), f.local("v128")]);
  const g0 = f.local("v128"), g1 = f.local("v128"), sp = f.local("v128");
  const madd = (a: number, w: number) => {
    if (fma) f.get(sp).get(w).get(a).f32x4RelaxedMadd().set(a);
    else f.get(a).get(sp).get(w).f32x4Mul().f32x4Add().set(a);
  };
  f.i32(s.planes).set(planes);
  f.get(p.ci).i32(2).shrU().set(CIB);
  f.i32(0).set(xi);
  f.forRange(xi, planes, 1, () => {
    f.i32(0).set(cib);
    f.forRange(cib, CIB, 1, () => {
      f.i32(0).set(cob);
      f.forRange(cob, s.COB, 1, () => {
        // mp = part + (ξ·ci + cib·4)·obytes + cob·32
        f.get(s.part).get(xi).get(p.ci).mul().get(cib).i32(2).shl().add().get(s.obytes).mul().add()
          .get(cob).i32(5).shl().add().set(mp);
        for (let a = 0; a < 4; a++) {
          for (let v = 0; v < 2; v++) {
            f.get(mp).get(s.obytes).i32(a).mul().add().v128Load(16 * v).set(acc[a][v]);
          }
        }
        f.get(s.sW).get(xi).get(s.ws).mul().add().get(cob).i32(5).shl().add().set(wp);
        f.get(s.sV).get(xi).get(s.vs).mul().add().get(cib).i32(4).shl().add().set(vp);
        f.get(p.tb).set(cnt);
        f.block().loop();
        f.get(cnt).eqz().brIf(1);
        for (let k = 0; k < 2; k++) {
          f.get(wp).v128Load().set(g0);
          f.get(wp).v128Load(16).set(g1);
          for (let a = 0; a < 4; a++) {
            f.get(vp).v128Load32Splat(4 * a).set(sp);
            madd(acc[a][0], g0);
            madd(acc[a][1], g1);
          }
          f.get(wp).get(s.obytes).add().set(wp);
          f.get(vp).get(s.cbytes).add().set(vp);
        }
        f.get(cnt).i32(2).sub().set(cnt);
        f.br(0).end().end();
        for (let a = 0; a < 4; a++) {
          for (let v = 0; v < 2; v++) {
            f.get(mp).get(s.obytes).i32(a).mul().add().get(acc[a][v]).v128Store(16 * v);
          }
        }
      });
    });
  });
}
