/**
 * The im2row kernel: the row layout of an NHWC input that a convolution weight gradient reads.
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** Emits `im2row(x, dst, n, h, w, c, kw, ow, dw, pl)`: the weight-gradient row layout of an NHWC `x`. */
export function emitIm2row(m: ModuleBuilder): void {
  const f = m.func("im2row", ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [x, d, n, hgt, w, c, kw, ow, dw, pl] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
  const h = f.local("i32"), ci = f.local("i32"), k = f.local("i32"), o = f.local("i32"), b = f.local("i32");
  const wi = f.local("i32"), src = f.local("i32"), strideN = f.local("i32");
  f.get(hgt).get(w).mul().get(c).mul().i32(2).shl().set(strideN);
  f.i32(0).set(h);
  f.forRange(h, hgt, 1, () => {
    f.i32(0).set(ci);
    f.forRange(ci, c, 1, () => {
      f.i32(0).set(k);
      f.forRange(k, kw, 1, () => {
        f.i32(0).set(o);
        f.forRange(o, ow, 1, () => {
          f.get(o).get(k).get(dw).mul().add().get(pl).sub().tee(wi).get(w).ltU();
          f.if_();
          // src = x + ((h·w + wi)·c + ci)·4
          f.get(x).get(h).get(w).mul().get(wi).add().get(c).mul().get(ci).add().i32(2).shl().add().set(src);
          f.i32(0).set(b);
          f.forRange(b, n, 1, () => {
            f.get(d).get(src).f32Load().f32Store();
            f.get(src).get(strideN).add().set(src);
            f.get(d).i32(4).add().set(d);
          });
          f.else_();
          f.i32(0).set(b);
          f.forRange(b, n, 1, () => {
            f.get(d).f32Const0().f32Store();
            f.get(d).i32(4).add().set(d);
          });
          f.end();
        });
      });
    });
  });
}
