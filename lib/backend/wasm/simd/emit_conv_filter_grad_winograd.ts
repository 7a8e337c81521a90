/**
 * The emitter of the Winograd F(2×2, 3×3) weight-gradient kernel (`conv_filter_grad_winograd`);
 * its host side (scratch, partial sums, the final transform) is `conv_filter_grad_winograd.ts`.
 *
 * For a 3×3 stride-1 convolution `y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A` per 2×2 output tile, the weight
 * gradient is `dW = Gᵀ[Σ_tiles (Bᵀ d B) ⊙ (A dy Aᵀ)]G`. One work item is a run of blocks of `tb`
 * tiles summed into one partial `M` (`[16, ci, ⌈co/8⌉·8]`); per block, in the calling thread's
 * scratch slot: the input transform `V = Bᵀ d B` (`[16, tb, ci]`, shared with the convolution,
 * `emit_winograd_input.ts`), the output-gradient transform `W = A dy Aᵀ` (`[16, tb, ⌈co/8⌉·8]`,
 * with the last row and column of `A` negated — the host negates `G`'s last row to match), and
 * sixteen products `M[ξ] += V[ξ]ᵀ · W[ξ]`, 4 input × 8 output channels at a time.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";
import { inputTransform, type TileBlock, tileCoords } from "./emit_winograd_input.ts";
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
interface State extends TileBlock {
  p: P;
  /** Bytes per row of `W` and `M` (`⌈co/8⌉·32`), `⌈co/8⌉`, bytes between `W`'s planes, `W`, the item's `M`. */
  obytes: number;
  COB: number;
  ws: number;
  sW: number;
  part: number;
}

/**
 * Emits `conv_filter_grad_winograd(x, dy, parts, scratch, slotBytes, zero, n, h, w, ci, oh, ow, co,
 * pt, pl, tb, blocks, items, chunks, t0, t1)`: item `k` of `[t0, t1)` adds the blocks
 * `⌊k·blocks/items⌋ … ⌊(k+1)·blocks/items⌋` into partial `k` (at `parts + k·16·ci·⌈co/8⌉·32`,
 * zeroed by the host). The scratch slot is the chunk's (see `conv2d_winograd`); `zero` points at
 * `max(ci, co)` zero floats; the scratch's padding lanes of `W` must be zero.
 */
export function emitConvFilterGradWinograd(m: ModuleBuilder, fma: boolean): void {
  const f = m.func("conv_filter_grad_winograd", Array(PARAMS.length).fill("i32"));
  const p = Object.fromEntries(PARAMS.map((k, i) => [k, i])) as P;
  const L = () => f.local("i32");
  const s: State = {
    p,
    x: p.x,
    zero: p.zero,
    h: p.h,
    w: p.w,
    pt: p.pt,
    pl: p.pl,
    tb: p.tb,
    blk: L(),
    total: L(),
    thw: L(),
    tw: L(),
    cbytes: L(),
    sV: L(),
    vs: L(),
    obytes: L(),
    COB: L(),
    ws: L(),
    sW: L(),
    part: L(),
  };
  const item = L(), b0 = L(), b1 = L();
  f.get(p.ow).i32(1).add().i32(1).shrU().set(s.tw);
  f.get(p.oh).i32(1).add().i32(1).shrU().get(s.tw).mul().set(s.thw);
  f.get(s.thw).get(p.n).mul().set(s.total);
  f.get(p.ci).i32(2).shl().set(s.cbytes);
  f.get(p.co).i32(7).add().i32(3).shrU().tee(s.COB).i32(5).shl().set(s.obytes);
  // slot k = ⌈t0·chunks / items⌉; V at its start, W after V's 16 padded planes
  f.get(p.scratch).get(p.t0).get(p.chunks).mul().get(p.items).add().i32(1).sub().get(p.items).divU()
    .get(p.slotBytes).mul().add().set(s.sV);
  f.get(p.tb).get(s.cbytes).mul().i32(PAD).add().set(s.vs);
  f.get(p.tb).get(s.obytes).mul().i32(PAD).add().set(s.ws);
  f.get(s.sV).get(s.vs).i32(4).shl().add().set(s.sW);
  f.get(p.t0).set(item);
  f.forRange(item, p.t1, 1, () => {
    // part = parts + item·16·ci·obytes
    f.get(p.parts).get(item).get(p.ci).mul().get(s.obytes).mul().i32(4).shl().add().set(s.part);
    f.get(item).get(p.blocks).mul().get(p.items).divU().set(b0);
    f.get(item).i32(1).add().get(p.blocks).mul().get(p.items).divU().set(b1);
    f.get(b0).set(s.blk);
    f.forRange(s.blk, b1, 1, () => {
      inputTransform(f, s);
      gradTransform(f, s);
      products(f, s, fma);
    });
  });
}

/** `[g0, g0 + g1, g0 − g1, g1]` (A with its last row negated) of two vectors, into `out`. */
function a2(f: FuncBuilder, g0: number, g1: number, out: number[]) {
  f.get(g0).set(out[0]);
  f.get(g0).get(g1).f32x4Add().set(out[1]);
  f.get(g0).get(g1).f32x4Sub().set(out[2]);
  f.get(g1).set(out[3]);
}

/** `W[ξ, tt, :] = (A dy Aᵀ)[ξ]` of each tile's 2×2 output gradient (zero outside `dy`). */
function gradTransform(f: FuncBuilder, s: State) {
  const { p } = s;
  const L = () => f.local("i32");
  const tt = L(),
    tile = L(),
    b = L(),
    ty = L(),
    tx = L(),
    ok = L(),
    c = L(),
    wp = L(),
    rowOk = L(),
    colOk = L();
  const gbytes = L(), addr = [L(), L(), L(), L()];
  const V = () => f.local("v128");
  const g = [V(), V(), V(), V()], h0 = [V(), V(), V(), V()], h1 = [V(), V(), V(), V()];
  const out = [V(), V(), V(), V()];
  f.get(p.co).i32(2).shl().set(gbytes);
  f.i32(0).set(tt);
  f.forRange(tt, p.tb, 1, () => {
    f.get(s.blk).get(p.tb).mul().get(tt).add().tee(tile).get(s.total).ltU().set(ok);
    tileCoords(f, s, tile, b, ty, tx);
    f.get(ty).i32(1).shl().i32(1).add().get(p.oh).ltU().get(ok).and().set(rowOk);
    f.get(tx).i32(1).shl().i32(1).add().get(p.ow).ltU().set(colOk);
    // addr[0] = dy + ((b·oh + 2ty)·ow + 2tx)·co·4; the others one column / one row on
    f.get(p.dy).get(b).get(p.oh).mul().get(ty).i32(1).shl().add().get(p.ow).mul().get(tx).i32(1).shl().add()
      .get(gbytes).mul().add().set(addr[0]);
    f.get(addr[0]).get(gbytes).add().get(p.zero).get(colOk).select().set(addr[1]);
    f.get(addr[0]).get(p.ow).get(gbytes).mul().add().get(p.zero).get(rowOk).select().set(addr[2]);
    f.get(addr[0]).get(p.ow).i32(1).add().get(gbytes).mul().add().get(p.zero).get(colOk).get(rowOk).and()
      .select()
      .set(addr[3]);
    f.get(addr[0]).get(p.zero).get(ok).select().set(addr[0]);
    f.get(addr[1]).get(p.zero).get(ok).select().set(addr[1]);
    f.i32(0).set(c);
    f.forRange(c, gbytes, 16, () => {
      for (let k = 0; k < 4; k++) f.get(addr[k]).get(c).add().v128Load().set(g[k]);
      a2(f, g[0], g[1], h0); // along the row, for each of the two rows
      a2(f, g[2], g[3], h1);
      f.get(s.sW).get(tt).get(s.obytes).mul().add().get(c).add().set(wp);
      for (let e = 0; e < 4; e++) {
        a2(f, h0[e], h1[e], out); // down each column: W[a·4 + e] = out[a]
        for (let a = 0; a < 4; a++) {
          f.get(wp).get(s.ws).i32(a * 4 + e).mul().add().get(out[a]).v128Store();
        }
      }
    });
  });
}

/** `M[ξ, c, o] += Σ_tt V[ξ, tt, c] · W[ξ, tt, o]`, 4 input × 8 output channels at a time. */
function products(f: FuncBuilder, s: State, fma: boolean) {
  const { p } = s;
  const L = () => f.local("i32");
  const xi = L(), cib = L(), CIB = L(), cob = L(), mp = L(), wp = L(), vp = L(), cnt = L(), sixteen = L();
  const acc = Array.from({ length: 4 }, () => [f.local("v128"), f.local("v128")]);
  const g0 = f.local("v128"), g1 = f.local("v128"), sp = f.local("v128");
  const madd = (a: number, w: number) => {
    if (fma) f.get(sp).get(w).get(a).f32x4RelaxedMadd().set(a);
    else f.get(a).get(sp).get(w).f32x4Mul().f32x4Add().set(a);
  };
  f.i32(16).set(sixteen);
  f.get(p.ci).i32(2).shrU().set(CIB);
  f.i32(0).set(xi);
  f.forRange(xi, sixteen, 1, () => {
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
