/**
 * A direct 2-D convolution (NHWC) as a SIMD kernel over the wasm heap, split across threads —
 * seglab's input gradient of a convolution (a stride-1 convolution of the spread output
 * gradient with the flipped filter; see {@link ../conv2d_backprop_input.ts}):
 * `y[b, r, u, o] = Σ_{i, j, c} x[b, r·sh + i·dh − pt, u·sw + j·dw − pl, c] · w[i, j, c, o]`,
 * zero outside `x`.
 *
 * A tile is 4 output pixels of a row × 8 output channels (32 sums in registers) reduced over
 * every tap and input channel; the filter is packed as `[tap, o-block, c, 8]` so each channel's
 * 8 weights are two vector loads at constant offsets. Pixel groups that meet the border take a
 * per-pixel path. Threads take disjoint ranges of (output row, o-block) items.
 * @module
 */
import type { tf } from "../../tf.ts";
import { f32, type WasmBackend } from "../heap.ts";
import type { ModuleBuilder } from "./assembler.ts";
import { kernelsFor } from "./fused_simd.ts";
import { runSplit } from "./helper_threads.ts";

/** Input channels per iteration of the fast path's inner loop. */
const UNROLL = 4;

/**
 * Emits `conv2d_direct(x, wp, y, n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl, t0, t1)`:
 * computes the items `[t0, t1)` (item = output row · ⌈co/8⌉ + o-block) of `y`; `wp` is the packed
 * filter (see {@linkcode packFilter}).
 */
export function emitConv2dDirect(m: ModuleBuilder, fma: boolean): void {
  const f = m.func("conv2d_direct", Array(20).fill("i32"));
  const [x, wpk, yOut, n, h, wd, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl, t0, t1] = Array.from(
    { length: 20 },
    (_, i) => i,
  );
  void n;
  const L = () => f.local("i32");
  const t = L(), row = L(), cob = L(), COB = L(), b = L(), y = L(), u0 = L(), i = L(), j = L();
  const xy = L(), xrow = L(), xx0 = L(), wp = L(), cnt = L(), pstride = L(), orow = L(), cbytes = L();
  const full = L(), xq = L(), two = L(), ob = L(), wtap = L();
  const xp = [L(), L(), L(), L()];
  const acc = Array.from({ length: 4 }, () => [f.local("v128"), f.local("v128")]);
  const g0 = f.local("v128"), g1 = f.local("v128"), s = f.local("v128");

  const madd = (a: number, g: number) => {
    if (fma) f.get(s).get(g).get(a).f32x4RelaxedMadd().set(a);
    else f.get(a).get(s).get(g).f32x4Mul().f32x4Add().set(a);
  };

  f.get(co).i32(7).add().i32(8).divU().set(COB);
  f.get(sw).get(ci).mul().i32(2).shl().set(pstride); // bytes between neighbouring output pixels' inputs
  f.get(ci).i32(2).shl().set(cbytes);
  f.get(t0).set(t);
  f.forRange(t, t1, 1, () => {
    f.get(t).get(COB).divU().set(row);
    f.get(t).get(COB).remU().set(cob);
    f.get(row).get(oh).divU().set(b);
    f.get(row).get(oh).remU().set(y);
    // orow = y + (row·ow·co + cob·8)·4 ; two = the o-block has 8 channels (else 4)
    f.get(yOut).get(row).get(ow).mul().get(co).mul().get(cob).i32(3).shl().add().i32(2).shl().add().set(orow);
    f.get(co).get(cob).i32(3).shl().sub().i32(7).gtS().set(two);
    f.i32(0).set(u0);
    f.forRange(u0, ow, 4, () => {
      for (const a of acc) for (const v of a) f.f32(0).f32x4Splat().set(v);
      f.i32(0).set(i);
      f.forRange(i, kh, 1, () => {
        f.get(y).get(sh).mul().get(i).get(dh).mul().add().get(pt).sub().tee(xy).get(h).ltU();
        f.if_();
        f.get(x).get(b).get(h).mul().get(xy).add().get(wd).mul().get(cbytes).mul().add().set(xrow);
        f.i32(0).set(j);
        f.forRange(j, kw, 1, () => {
          // xx0 = u0·sw + j·dw − pl (column of the group's first pixel)
          f.get(u0).get(sw).mul().get(j).get(dw).mul().add().get(pl).sub().set(xx0);
          // wtap = wp + ((i·kw + j)·COB + cob)·ci·32
          f.get(wpk).get(i).get(kw).mul().get(j).add().get(COB).mul().get(cob).add().get(ci).mul().i32(5)
            .shl()
            .add().set(wtap);
          // full = xx0 ≥ 0 && xx0 + 3·sw < w && u0 + 3 < ow
          f.get(xx0).i32(0).ltS().eqz();
          f.get(xx0).get(sw).i32(3).mul().add().get(wd).ltS().and();
          f.get(u0).i32(3).add().get(ow).ltS().and().set(full);
          f.get(full);
          f.if_();
          {
            f.get(xrow).get(xx0).get(cbytes).mul().add().set(xp[0]);
            for (let p = 1; p < 4; p++) f.get(xp[p - 1]).get(pstride).add().set(xp[p]);
            f.get(wtap).set(wp);
            f.get(ci).set(cnt);
            const channels = (k: number) => {
              // k input channels: weights at wp + 32q, inputs at xp[p] + 4q
              for (let q = 0; q < k; q++) {
                f.get(wp).v128Load(32 * q).set(g0);
                f.get(wp).v128Load(32 * q + 16).set(g1);
                for (let p = 0; p < 4; p++) {
                  f.get(xp[p]).v128Load32Splat(4 * q).set(s);
                  madd(acc[p][0], g0);
                  madd(acc[p][1], g1);
                }
              }
              for (let p = 0; p < 4; p++) f.get(xp[p]).i32(4 * k).add().set(xp[p]);
              f.get(wp).i32(32 * k).add().set(wp);
            };
            f.block().loop();
            f.get(cnt).i32(UNROLL).ltU().brIf(1);
            channels(UNROLL);
            f.get(cnt).i32(UNROLL).sub().set(cnt);
            f.br(0).end().end();
            f.block().loop();
            f.get(cnt).eqz().brIf(1);
            channels(1);
            f.get(cnt).i32(1).sub().set(cnt);
            f.br(0).end().end();
          }
          f.else_();
          {
            // Border group: each pixel whose column is inside x, one at a time.
            for (let p = 0; p < 4; p++) {
              f.get(xx0).get(sw).i32(p).mul().add().tee(xq).get(wd).ltU();
              f.get(u0).i32(p).add().get(ow).ltU().and();
              f.if_();
              f.get(xrow).get(xq).get(cbytes).mul().add().set(xp[0]);
              f.get(wtap).set(wp);
              f.get(ci).set(cnt);
              f.block().loop();
              f.get(cnt).eqz().brIf(1);
              f.get(wp).v128Load().set(g0);
              f.get(wp).v128Load(16).set(g1);
              f.get(xp[0]).v128Load32Splat().set(s);
              madd(acc[p][0], g0);
              madd(acc[p][1], g1);
              f.get(xp[0]).i32(4).add().set(xp[0]);
              f.get(wp).i32(32).add().set(wp);
              f.get(cnt).i32(1).sub().set(cnt);
              f.br(0).end().end();
              f.end();
            }
          }
          f.end();
        });
        f.end();
      });
      // Store the group's pixels that exist (and the second vector where the block has 8 channels).
      for (let p = 0; p < 4; p++) {
        f.get(u0).i32(p).add().get(ow).ltU();
        f.if_();
        f.get(orow).get(u0).i32(p).add().get(co).mul().i32(2).shl().add().set(ob);
        f.get(ob).get(acc[p][0]).v128Store();
        f.get(two);
        f.if_();
        f.get(ob).get(acc[p][1]).v128Store(16);
        f.end();
        f.end();
      }
    });
  });
}

/**
 * Packs a filter of shape `[kh, kw, ci, co]` as `[kh·kw, ⌈co/8⌉, ci, 8]` (zero-filled past `co`)
 * into new backend data; element `(i, j, c, o)` is `src`'s flat element `index(i, j, c, o)`.
 */
export function packFilter(
  backend: WasmBackend,
  shape: [number, number, number, number],
  src: tf.TensorInfo,
  index: (i: number, j: number, c: number, o: number) => number,
): tf.TensorInfo {
  const [kh, kw, ci, co] = shape, cob = Math.ceil(co / 8);
  const out = backend.makeOutput([kh * kw * cob * ci * 8], "float32");
  const d = f32(backend, out), s = f32(backend, src); // views taken after the allocation
  d.fill(0);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) {
          d[((((i * kw + j) * cob + (o >> 3)) * ci + c) << 3) + (o & 7)] = s[index(i, j, c, o)];
        }
      }
    }
  }
  return out;
}

const ptr = (b: WasmBackend, i: tf.TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;

/** Whether {@linkcode conv2dDirect} runs here for `co` output channels. */
export function conv2dDirectApplies(backend: WasmBackend, co: number): boolean {
  return co % 4 === 0 && kernelsFor(backend) !== null;
}

/**
 * `y` (new backend data, `[n, oh, ow, co]`) for NHWC `x` and a filter packed by {@linkcode packFilter};
 * check {@linkcode conv2dDirectApplies} first.
 */
export function conv2dDirect(
  backend: WasmBackend,
  x: tf.TensorInfo,
  packed: tf.TensorInfo,
  p: {
    kh: number;
    kw: number;
    co: number;
    oh: number;
    ow: number;
    sh: number;
    sw: number;
    dh: number;
    dw: number;
    pt: number;
    pl: number;
  },
): tf.TensorInfo {
  const [n, h, w, ci] = x.shape;
  const y = backend.makeOutput([n, p.oh, p.ow, p.co], "float32");
  const args = [ptr(backend, x), ptr(backend, packed), ptr(backend, y), n, h, w, ci, p.oh, p.ow, p.co];
  runSplit(
    backend,
    "conv2d_direct",
    [...args, p.kh, p.kw, p.sh, p.sw, p.dh, p.dw, p.pt, p.pl],
    n * p.oh * Math.ceil(p.co / 8),
  );
  return y;
}
