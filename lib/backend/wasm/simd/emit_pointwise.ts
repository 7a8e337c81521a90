/**
 * The element-wise and per-channel kernels of the fused batch norm and ReLU on `wasm`: the ReLU
 * and its gradient, per-channel affine maps and linear combinations, and per-channel sums in
 * float64 (of float32 partial sums over blocks of rows). Channels last, 4 floats per instruction; channel counts a multiple of 4.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";

/** `for each row r (byte offset), each 4-channel group g (byte offset in the row): body()`. */
function rowsAndGroups(
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
function at(f: FuncBuilder, base: number, r: number | null, g: number, scale = 1): FuncBuilder {
  f.get(base);
  if (r !== null) f.get(r).add();
  f.get(g);
  if (scale !== 1) f.i32(Math.log2(scale)).shl();
  return f.add();
}

/** `acc(f64 at base + 2g) += lo; acc(+16) += hi` for the f32x4 in local v. */
function accumulate(f: FuncBuilder, base: number, g: number, v: number, addr: number): void {
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

/** Rows per block of the sums: float32 partial sums over them, then added into float64. */
const BLOCK_ROWS = 16;

/**
 * `for each block of BLOCK_ROWS rows, each 4-channel group g: begin(g); for each row r: row(r + g);
 * end(g)` — a block (at most 16 rows) stays in cache while its groups are summed in registers.
 */
function blockedGroups(
  f: FuncBuilder,
  rowBytes: number,
  total: number,
  body: { begin(g: number): void; row(at: number): void; end(g: number): void },
): void {
  const b0 = f.local("i32"),
    bend = f.local("i32"),
    block = f.local("i32"),
    g = f.local("i32"),
    r = f.local("i32");
  f.get(rowBytes).i32(BLOCK_ROWS).mul().set(block);
  f.i32(0).set(b0);
  f.forRange(b0, total, { local: block }, () => {
    f.get(b0).get(block).add().tee(bend).get(total).get(bend).get(total).ltU().select().set(bend);
    f.i32(0).set(g);
    f.forRange(g, rowBytes, 16, () => {
      body.begin(g);
      f.get(b0).get(g).add().set(r);
      f.forRange(r, bend, { local: rowBytes }, () => body.row(r));
      body.end(g);
    });
  });
}

/**
 * Emits `sums(x, shift, s1, s2, rowBytes, totalBytes)`: per channel `s1 += Σ(x − shift)`,
 * `s2 += Σ(x − shift)²` (float32 `shift`, float64 sums; float32 partial sums over blocks of 16 rows).
 * Shifted by a value of the channel (the host passes the first row), the sums carry no
 * cancellation into the variance however large the mean.
 */
export function emitSums(m: ModuleBuilder): void {
  const f = m.func("sums", ["i32", "i32", "i32", "i32", "i32", "i32"]);
  const [x, shift, s1, s2, rowBytes, total] = [0, 1, 2, 3, 4, 5];
  const v = f.local("v128"),
    k = f.local("v128"),
    s = f.local("v128"),
    q = f.local("v128"),
    addr = f.local("i32");
  blockedGroups(f, rowBytes, total, {
    begin: (g) => {
      at(f, shift, null, g).v128Load().set(k);
      f.f32(0).f32x4Splat().tee(s).set(q);
    },
    row: (r) => {
      f.get(x).get(r).add().v128Load().get(k).f32x4Sub().tee(v).get(s).f32x4Add().set(s);
      f.get(v).get(v).f32x4Mul().get(q).f32x4Add().set(q);
    },
    end: (g) => {
      accumulate(f, s1, g, s, addr);
      accumulate(f, s2, g, q, addr);
    },
  });
}

/**
 * Emits `sums2(dy, x, mean, sdy, sdyx, rowBytes, totalBytes)`: per channel `Σdy` and
 * `Σdy·(x − mean)` in float64 (float32 partial sums over blocks of 16 rows).
 */
export function emitSums2(m: ModuleBuilder): void {
  const f = m.func("sums2", ["i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [dy, x, mean, sdy, sdyx, rowBytes, total] = [0, 1, 2, 3, 4, 5, 6];
  const d = f.local("v128"),
    mu = f.local("v128"),
    s = f.local("v128"),
    q = f.local("v128"),
    addr = f.local("i32");
  blockedGroups(f, rowBytes, total, {
    begin: (g) => {
      at(f, mean, null, g).v128Load().set(mu);
      f.f32(0).f32x4Splat().tee(s).set(q);
    },
    row: (r) => {
      f.get(dy).get(r).add().v128Load().tee(d).get(s).f32x4Add().set(s);
      f.get(d).get(x).get(r).add().v128Load().get(mu).f32x4Sub().f32x4Mul().get(q).f32x4Add().set(q);
    },
    end: (g) => {
      accumulate(f, sdy, g, s, addr);
      accumulate(f, sdyx, g, q, addr);
    },
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
