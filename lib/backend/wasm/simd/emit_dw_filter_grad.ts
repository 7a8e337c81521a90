/**
 * The depthwise-convolution weight-gradient kernel (channel multiplier 1), float32 partial sums
 * per output row flushed into float64 accumulators.
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** Emits `dw_filter_grad(x, dy, acc32, acc64, n, h, w, cBytes, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl)`: the depthwise-conv weight gradient. */
export function emitDwFilterGrad(m: ModuleBuilder): void {
  const f = m.func("dw_filter_grad", Array(18).fill("i32"));
  const [x, dy, acc32, acc64, n, h, w, cb, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl] = Array.from({
    length: 18,
  }, (_, i) => i);
  const b = f.local("i32"), y = f.local("i32"), i = f.local("i32"), xo = f.local("i32"), j = f.local("i32");
  const g = f.local("i32"),
    xy = f.local("i32"),
    xx = f.local("i32"),
    xrow = f.local("i32"),
    goff = f.local("i32");
  const xoff = f.local("i32"),
    aoff = f.local("i32"),
    accBytes = f.local("i32"),
    a = f.local("i32"),
    v = f.local("v128");
  f.get(kh).get(kw).mul().get(cb).mul().set(accBytes);
  f.i32(0).set(b);
  f.forRange(b, n, 1, () => {
    f.i32(0).set(y);
    f.forRange(y, oh, 1, () => {
      f.get(acc32).i32(0).get(accBytes).memoryFill();
      f.i32(0).set(i);
      f.forRange(i, kh, 1, () => {
        f.get(y).get(sh).mul().get(i).get(dh).mul().add().get(pt).sub().tee(xy).get(h).ltU();
        f.if_();
        // xrow = x + (b·h + xy)·w·cb
        f.get(x).get(b).get(h).mul().get(xy).add().get(w).mul().get(cb).mul().add().set(xrow);
        f.i32(0).set(xo);
        f.forRange(xo, ow, 1, () => {
          // goff = dy + ((b·oh + y)·ow + xo)·cb
          f.get(dy).get(b).get(oh).mul().get(y).add().get(ow).mul().get(xo).add().get(cb).mul().add().set(
            goff,
          );
          f.i32(0).set(j);
          f.forRange(j, kw, 1, () => {
            f.get(xo).get(sw).mul().get(j).get(dw).mul().add().get(pl).sub().tee(xx).get(w).ltU();
            f.if_();
            f.get(xrow).get(xx).get(cb).mul().add().set(xoff);
            f.get(acc32).get(i).get(kw).mul().get(j).add().get(cb).mul().add().set(aoff);
            f.i32(0).set(g);
            f.forRange(g, cb, 16, () => {
              f.get(aoff).get(g).add().tee(a);
              f.get(a).v128Load();
              f.get(xoff).get(g).add().v128Load();
              f.get(goff).get(g).add().v128Load().f32x4Mul().f32x4Add();
              f.v128Store();
            });
            f.end();
          });
        });
        f.end();
      });
      // Flush the row's float32 partial sums into the float64 accumulators.
      f.i32(0).set(g);
      f.forRange(g, accBytes, 16, () => {
        f.get(acc32).get(g).add().v128Load().set(v);
        for (const half of [0, 1]) {
          f.get(acc64).get(g).i32(1).shl().add().tee(a);
          f.get(a).v128Load(half * 16);
          (half ? f.highHalfOf(v) : f.get(v)).f64x2PromoteLow();
          f.f64x2Add().v128Store(half * 16);
        }
      });
    });
  });
}
