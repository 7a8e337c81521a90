/**
 * The element-wise and per-channel kernels of the fused batch norm and ReLU on `wasm`: the ReLU
 * and its gradient, per-channel affine maps and linear combinations (the per-channel sums are
 * `emit_bn_sums.ts`, with the row helpers exported here). Channels last, 4 floats per instruction; channel counts a multiple of 4.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";

/** `for each row r (byte offset), each 4-channel group g (byte offset in the row): body()`. */
export function rowsAndGroups(
  f: FuncBuilder,
  rowBytes: number,
  total: number,
  body: (r: number, g: number) => void,
): void {
  const r = f.local("i32"), g = f.local("i32");
  f.i32(0).set(r);
  f.forRange(r, total, { local: rowBytes }, () => {
    f.i32(0).set(g);
    f.forRange(g, rowBytes, 16, () => body(r, g));
  });
}

/** Emits `addr = base + r + g` (or `base + g` when r is null). */
export function at(f: FuncBuilder, base: number, r: number | null, g: number, scale = 1): FuncBuilder {
  f.get(base);
  if (r !== null) f.get(r).add();
  f.get(g);
  if (scale !== 1) f.i32(Math.log2(scale)).shl();
  return f.add();
}

/** `acc(f64 at base + 2g) += lo; acc(+16) += hi` for the f32x4 in local v. */
export function accumulate(f: FuncBuilder, base: number, g: number, v: number, addr: number): void {
  for (const half of [0, 1]) {
    at(f, base, null, g, 2).tee(addr);
    f.get(addr).v128Load(half * 16);
    (half ? f.highHalfOf(v) : f.get(v)).f64x2PromoteLow();
    f.f64x2Add().v128Store(half * 16);
  }
}

/** Emits `relu_grad(x, dy, dx, bytes)`: `dx = x > 0 ? dy : 0`. */
export function emitReluGrad(m: ModuleBuilder): void {
  const f = m.func("relu_grad", ["i32", "i32", "i32", "i32"]);
  const [x, dy, dx, bytes] = [0, 1, 2, 3];
  const i = f.local("i32");
  f.i32(0).set(i);
  f.forRange(i, bytes, 16, () => {
    f.get(dx).get(i).add();
    f.get(dy).get(i).add().v128Load();
    f.get(x).get(i).add().v128Load().f32(0).f32x4Splat().f32x4Gt();
    f.v128And().v128Store();
  });
}

/** Emits `affine(x, y, a, b, rowBytes, totalBytes)`: `y[r, k] = a[k]·x[r, k] + b[k]`. */
export function emitAffine(m: ModuleBuilder): void {
  const f = m.func("affine", ["i32", "i32", "i32", "i32", "i32", "i32"]);
  const [x, y, a, b, rowBytes, total] = [0, 1, 2, 3, 4, 5];
  rowsAndGroups(f, rowBytes, total, (r, g) => {
    at(f, y, r, g);
    at(f, x, r, g).v128Load();
    at(f, a, null, g).v128Load().f32x4Mul();
    at(f, b, null, g).v128Load().f32x4Add();
    f.v128Store();
  });
}

/** Emits `lincomb(dy, x, p, q, c, dx, rowBytes, totalBytes)`: `dx[r, k] = p[k]·dy + q[k]·x + c[k]`. */
export function emitLincomb(m: ModuleBuilder): void {
  const f = m.func("lincomb", ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [dy, x, p, q, c, dx, rowBytes, total] = [0, 1, 2, 3, 4, 5, 6, 7];
  rowsAndGroups(f, rowBytes, total, (r, g) => {
    at(f, dx, r, g);
    at(f, dy, r, g).v128Load();
    at(f, p, null, g).v128Load().f32x4Mul();
    at(f, x, r, g).v128Load();
    at(f, q, null, g).v128Load().f32x4Mul().f32x4Add();
    at(f, c, null, g).v128Load().f32x4Add();
    f.v128Store();
  });
}

/** Emits `relu(x, y, bytes)`: `y = x < 0 ? 0 : x` (`pmax`: one instruction, NaN stays NaN). */
export function emitRelu(m: ModuleBuilder): void {
  const f = m.func("relu", ["i32", "i32", "i32"]);
  const [x, y, bytes] = [0, 1, 2];
  const i = f.local("i32");
  f.i32(0).set(i);
  f.forRange(i, bytes, 16, () => {
    f.get(y).get(i).add();
    f.get(x).get(i).add().v128Load().f32(0).f32x4Splat().f32x4Pmax();
    f.v128Store();
  });
}
