/**
 * The emitter of the convolution weight-gradient kernel (`conv_filter_grad`); its host side
 * (blocking, splitting across threads) is `conv_filter_grad.ts`.
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** Pixels per iteration of the innermost loop (4: +25–35% single-thread against 1 on an EPYC). */
const UNROLL = 4;

/**
 * Emits `conv_filter_grad(x, dy, out, n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl,
 * block, t0, t1)`: adds tiles `[t0, t1)` into `out`. The `n·oh` output rows are taken `block`
 * at a time (a block's rows of `x` and `dy` stay in cache); each tile keeps its sums in registers
 * over a whole block. With `fma`, multiply-adds are relaxed SIMD's `f32x4.relaxed_madd`.
 */
export function emitConvFilterGrad(m: ModuleBuilder, fma: boolean): void {
  const f = m.func("conv_filter_grad", Array(21).fill("i32"));
  const [x, dy, out, n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl, block, t0, t1] = Array.from(
    { length: 21 },
    (_, i) => i,
  );
  void kh;
  const L = () => f.local("i32");
  const b = L(), y = L(), t = L(), cob = L(), cib = L(), tap = L(), i = L(), j = L(), xy = L();
  const off = L(), lo = L(), hi = L(), xp = L(), gp = L(), cnt = L(), xstep = L(), gstep = L();
  const nr = L(), nv = L(), COB = L(), CIB = L(), ob = L(), e = L(), r = L(), rowp = L();
  const rb = L(), re = L(), row = L(), rows = L(), xcol = L(), gcol = L();
  const acc = Array.from({ length: 4 }, () => [f.local("v128"), f.local("v128")]);
  const g0 = f.local("v128"), g1 = f.local("v128"), s = f.local("v128");

  f.get(co).i32(7).add().i32(8).divU().set(COB);
  f.get(ci).i32(3).add().i32(4).divU().set(CIB);
  f.get(sw).get(ci).mul().i32(2).shl().set(xstep);
  f.get(co).i32(2).shl().set(gstep);
  f.get(n).get(oh).mul().set(rows);

  /** The tile of `nrows` input channels × `vecs` vectors of output channels over rows [rb, re). */
  const tile = (nrows: number, vecs: number) => {
    for (let a = 0; a < nrows; a++) for (let v = 0; v < vecs; v++) f.f32(0).f32x4Splat().set(acc[a][v]);
    f.get(rb).set(row);
    f.forRange(row, re, 1, () => {
      f.get(row).get(oh).divU().set(b);
      f.get(row).get(oh).remU().set(y);
      f.get(y).get(sh).mul().get(i).get(dh).mul().add().get(pt).sub().tee(xy).get(h).ltU();
      f.if_();
      // xp = x + ((b·h + xy)·w)·ci·4 + xcol ; gp = dy + row·ow·co·4 + gcol
      f.get(x).get(b).get(h).mul().get(xy).add().get(w).mul().get(ci).mul().i32(2).shl().add().get(xcol).add()
        .set(xp);
      f.get(dy).get(row).get(ow).mul().get(gstep).mul().add().get(gcol).add().set(gp);
      f.get(hi).get(lo).sub().set(cnt);
      const pixel = () => {
        f.get(gp).v128Load().set(g0);
        if (vecs === 2) f.get(gp).v128Load(16).set(g1);
        for (let a = 0; a < nrows; a++) {
          f.get(xp).v128Load32Splat(4 * a).set(s);
          for (let v = 0; v < vecs; v++) {
            if (fma) f.get(s).get(v ? g1 : g0).get(acc[a][v]).f32x4RelaxedMadd().set(acc[a][v]);
            else f.get(acc[a][v]).get(s).get(v ? g1 : g0).f32x4Mul().f32x4Add().set(acc[a][v]);
          }
        }
        f.get(xp).get(xstep).add().set(xp);
        f.get(gp).get(gstep).add().set(gp);
      };
      // UNROLL pixels per iteration while that many remain, then the rest one by one.
      f.block().loop();
      f.get(cnt).i32(UNROLL).ltU().brIf(1);
      for (let q = 0; q < UNROLL; q++) pixel();
      f.get(cnt).i32(UNROLL).sub().set(cnt);
      f.br(0).end().end();
      f.block().loop();
      f.get(cnt).eqz().brIf(1);
      pixel();
      f.get(cnt).i32(1).sub().set(cnt);
      f.br(0).end().end();
      f.end();
    });
    f.get(ob).set(rowp);
    for (let a = 0; a < nrows; a++) {
      for (let v = 0; v < vecs; v++) {
        f.get(rowp);
        f.get(rowp).v128Load(16 * v).get(acc[a][v]).f32x4Add();
        f.v128Store(16 * v);
      }
      f.get(rowp).get(gstep).add().set(rowp);
    }
  };

  f.i32(0).set(rb);
  f.forRange(rb, rows, { local: block }, () => {
    // re = min(rb + block, rows)
    f.get(rb).get(block).add().tee(re).get(rows).get(re).get(rows).ltU().select().set(re);
    f.get(t0).set(t);
    f.forRange(t, t1, 1, () => {
      f.get(t).get(COB).remU().set(cob);
      f.get(t).get(COB).divU().tee(r).get(CIB).remU().set(cib);
      f.get(r).get(CIB).divU().set(tap);
      f.get(tap).get(kw).divU().set(i);
      f.get(tap).get(kw).remU().set(j);
      f.get(j).get(dw).mul().get(pl).sub().set(off);
      // lo = off < 0 ? ceil(−off / sw) : 0
      f.get(sw).i32(1).sub().get(off).sub().get(sw).divU();
      f.i32(0);
      f.get(off).i32(0).ltS().select().set(lo);
      // hi = min(ow, w − off > 0 ? ceil((w − off) / sw) : 0)
      f.get(w).get(off).sub().set(e);
      f.get(e).get(sw).add().i32(1).sub().get(sw).divU();
      f.i32(0);
      f.get(e).i32(0).gtS().select().set(hi);
      f.get(hi).get(ow).get(hi).get(ow).ltS().select().set(hi);
      f.get(lo).get(hi).ltS();
      f.if_();
      {
        // Column offsets within a row: xcol = ((lo·sw + off)·ci + cib·4)·4, gcol = (lo·co + cob·8)·4
        f.get(lo).get(sw).mul().get(off).add().get(ci).mul().get(cib).i32(2).shl().add().i32(2).shl().set(
          xcol,
        );
        f.get(lo).get(co).mul().get(cob).i32(3).shl().add().i32(2).shl().set(gcol);
        // ob = out + ((tap·ci + cib·4)·co + cob·8)·4
        f.get(out).get(tap).get(ci).mul().get(cib).i32(2).shl().add().get(co).mul();
        f.get(cob).i32(3).shl().add().i32(2).shl().add().set(ob);
        // nr = min(4, ci − cib·4), nv = co − cob·8 ≥ 8 ? 2 : 1
        f.get(ci).get(cib).i32(2).shl().sub().set(nr);
        f.i32(4).get(nr).get(nr).i32(4).gtS().select().set(nr);
        f.i32(2).i32(1).get(co).get(cob).i32(3).shl().sub().i32(7).gtS().select().set(nv);
        for (const vecs of [2, 1]) {
          for (const nrows of [4, 3, 2, 1]) {
            f.get(nv).i32(vecs).eq().get(nr).i32(nrows).eq().and();
            f.if_();
            tile(nrows, vecs);
            f.end();
          }
        }
      }
      f.end();
    });
  });
}
