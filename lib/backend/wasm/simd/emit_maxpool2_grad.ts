/**
 * The 2×2 stride-2 max-pool gradient kernel (first maximum, row-major, wins).
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** Emits `maxpool2_grad(x, dy, dx, rows, rowBytesX, rowBytesDy, cBytes)`: the 2×2 stride-2 max-pool gradient. */
export function emitMaxpool2Grad(m: ModuleBuilder): void {
  const f = m.func("maxpool2_grad", ["i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [x, dy, dx, rows, rowX, rowDy, cb] = [0, 1, 2, 3, 4, 5, 6];
  const r = f.local("i32"), j = f.local("i32"), g = f.local("i32");
  const xo = f.local("i32"), go = f.local("i32"); // byte offsets of the window's top-left / of dy
  const a = f.local("v128"), b = f.local("v128"), c = f.local("v128"), d = f.local("v128");
  const m1 = f.local("v128"), m2 = f.local("v128"), t = f.local("v128"), u = f.local("v128");
  f.i32(0).set(r);
  f.forRange(r, rows, 1, () => {
    f.i32(0).set(j);
    f.forRange(j, rowDy, { local: cb }, () => {
      f.i32(0).set(g);
      f.forRange(g, cb, 16, () => {
        // xo = r·2·rowX + 2·j + g ; go = r·rowDy + j + g
        f.get(r).get(rowX).mul().i32(1).shl().get(j).i32(1).shl().add().get(g).add().set(xo);
        f.get(r).get(rowDy).mul().get(j).add().get(g).add().set(go);
        f.get(x).get(xo).add().v128Load().set(a);
        f.get(x).get(xo).add().get(cb).add().v128Load().set(b);
        f.get(x).get(xo).add().get(rowX).add().v128Load().set(c);
        f.get(x).get(xo).add().get(rowX).add().get(cb).add().v128Load().set(d);
        f.get(a).get(b).f32x4Ge().set(m1);
        f.get(c).get(d).f32x4Ge().set(m2);
        // t: the gradient where the top pair wins, u: where the bottom pair does.
        f.get(dy).get(go).add().v128Load().set(t);
        f.get(a).get(b).get(m1).v128Bitselect();
        f.get(c).get(d).get(m2).v128Bitselect();
        f.f32x4Ge().set(u); // u = mask(top ≥ bottom) for now
        f.get(t).get(u).v128AndNot().set(c); // bottom share (reuse c)
        f.get(t).get(u).v128And().set(t); // top share
        f.get(dx).get(xo).add().get(t).get(m1).v128And().v128Store();
        f.get(dx).get(xo).add().get(cb).add().get(t).get(m1).v128AndNot().v128Store();
        f.get(dx).get(xo).add().get(rowX).add().get(c).get(m2).v128And().v128Store();
        f.get(dx).get(xo).add().get(rowX).add().get(cb).add().get(c).get(m2).v128AndNot().v128Store();
      });
    });
  });
}
