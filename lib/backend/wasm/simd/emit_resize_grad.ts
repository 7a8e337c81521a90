/**
 * The bilinear-resize gradient kernel: each output-gradient pixel scattered to its four sources.
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** Emits `resize_grad(dy, dx, dxBytes, n, yh, yw, xh, xw, cBytes, rows, cols)`: the bilinear-resize gradient by scattering. */
export function emitResizeGrad(m: ModuleBuilder): void {
  const f = m.func("resize_grad", [
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
    "i32",
  ]);
  const [dy, dx, dxBytes, n, yh, yw, xh, xw, cb, rowsT, colsT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  const b = f.local("i32"), r = f.local("i32"), c = f.local("i32"), g = f.local("i32");
  const src = f.local("i32"), img = f.local("i32"), rt = f.local("i32"), ct = f.local("i32");
  const top = f.local("i32"), bot = f.local("i32"), left = f.local("i32"), right = f.local("i32");
  const v = f.local("v128");
  const wt = f.local("f32"), wb = f.local("f32"), wl = f.local("f32"), wr = f.local("f32");
  f.get(dx).i32(0).get(dxBytes).memoryFill();
  f.get(dy).set(src);
  f.i32(0).set(b);
  f.forRange(b, n, 1, () => {
    // img = dx + b·xh·xw·cb
    f.get(dx).get(b).get(xh).mul().get(xw).mul().get(cb).mul().add().set(img);
    f.i32(0).set(r);
    f.forRange(r, yh, 1, () => {
      f.get(rowsT).get(r).i32(4).shl().add().set(rt);
      f.get(img).get(rt).i32Load(0).get(xw).mul().get(cb).mul().add().set(top);
      f.get(img).get(rt).i32Load(4).get(xw).mul().get(cb).mul().add().set(bot);
      f.get(rt).f32Load(8).set(wt);
      f.get(rt).f32Load(12).set(wb);
      f.i32(0).set(c);
      f.forRange(c, yw, 1, () => {
        f.get(colsT).get(c).i32(4).shl().add().set(ct);
        f.get(ct).i32Load(0).get(cb).mul().set(left);
        f.get(ct).i32Load(4).get(cb).mul().set(right);
        f.get(ct).f32Load(8).set(wl);
        f.get(ct).f32Load(12).set(wr);
        f.i32(0).set(g);
        f.forRange(g, cb, 16, () => {
          f.get(src).get(g).add().v128Load().set(v);
          const scatter = (row: number, col: number, wy: number, wx: number) => {
            f.get(row).get(col).add().get(g).add(); // address (kept for the store)
            f.get(row).get(col).add().get(g).add().v128Load();
            f.get(v).get(wy).get(wx).f32Mul().f32x4Splat().f32x4Mul().f32x4Add();
            f.v128Store();
          };
          scatter(top, left, wt, wl);
          scatter(top, right, wt, wr);
          scatter(bot, left, wb, wl);
          scatter(bot, right, wb, wr);
        });
        f.get(src).get(cb).add().set(src);
      });
    });
  });
}
