/**
 * The emitter of the direct 2-D convolution kernel (`conv2d_direct`); its host side (filter
 * packing, splitting across threads) is `conv2d_direct.ts`.
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** Input channels per iteration of the fast path's inner loop. */
const UNROLL = 4;

/**
 * Emits `conv2d_direct(x, wp, y, n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl, t0, t1)`:
 * computes the items `[t0, t1)` (item = output row · ⌈co/8⌉ + o-block) of `y`; `wp` is the packed
 * filter (see `packFilter` in `conv2d_direct.ts`).
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
