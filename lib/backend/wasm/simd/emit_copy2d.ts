/**
 * The strided copy kernel (rows of a run length between two strides), v128 loops for whole vectors.
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** Emits `copy2d(src, dst, rows, runBytes, srcStride, dstStride)`: strided row copies. */
export function emitCopy2d(m: ModuleBuilder): void {
  const f = m.func("copy2d", ["i32", "i32", "i32", "i32", "i32", "i32"]);
  const [src, dst, rows, run, ss, ds] = [0, 1, 2, 3, 4, 5];
  const i = f.local("i32"), b = f.local("i32");
  // Runs that are whole vectors: a v128 loop (memory.copy costs ~50 ns per call on short runs).
  f.get(run).i32(15).and().eqz();
  f.if_();
  f.i32(0).set(i);
  f.forRange(i, rows, 1, () => {
    f.i32(0).set(b);
    f.forRange(b, run, 16, () => {
      f.get(dst).get(b).add();
      f.get(src).get(b).add().v128Load();
      f.v128Store();
    });
    f.get(src).get(ss).add().set(src);
    f.get(dst).get(ds).add().set(dst);
  });
  f.else_();
  f.i32(0).set(i);
  f.forRange(i, rows, 1, () => {
    f.get(dst).get(src).get(run).memoryCopy();
    f.get(src).get(ss).add().set(src);
    f.get(dst).get(ds).add().set(dst);
  });
  f.end();
}
