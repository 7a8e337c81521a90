/**
 * The element-wise and per-channel kernels of the fused batch norm and ReLU on `wasm`: the ReLU
 * and its gradient, per-channel affine maps and linear combinations, and per-channel sums in
 * float64. Channels last, 4 floats per instruction; channel counts a multiple of 4.
 *
 * Each runs on the helper threads (`runSplit`): its last three parameters are `unit, t0, t1`, and
 * it covers the bytes `[t0·unit, min(t1·unit, total))` (`unit` a multiple of the row, or of 16
 * bytes for the flat ones). The sums also take `slotBytes, chunks, count` before them and add into
 * the partial sums of their chunk, `k = ⌈t0·chunks/count⌉`, at `s + k·slotBytes`.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";

/** The byte range `[start, end)` of items `[t0, t1)`: `start = t0·unit`, `end = min(t1·unit, total)`. */
function byteRange(f: FuncBuilder, total: number, unit: number, t0: number, t1: number): [number, number] {
  const start = f.local("i32"), end = f.local("i32");
  f.get(t0).get(unit).mul().set(start);
  f.get(t1).get(unit).mul().tee(end).get(total).get(end).get(total).ltU().select().set(end);
  return [start, end];
}

/** `for each row r (byte offset) in [start, end), each 4-channel group g (byte offset in the row): body()`. */
function rowsAndGroups(
  f: FuncBuilder,
  rowBytes: number,
  [start, end]: [number, number],
  body: (r: number, g: number) => void,
): void {
  const r = f.local("i32"), g = f.local("i32");
  f.get(start).set(r);
  f.forRange(r, end, { local: rowBytes }, () => {
    f.i32(0).set(g);
    f.forRange(g, rowBytes, 16, () => body(r, g));
  });
}

/** Moves the sums' bases `bases` to the chunk's slot: `+= ⌈t0·chunks/count⌉·slotBytes`. */
function toSlot(
  f: FuncBuilder,
  bases: number[],
  slotBytes: number,
  chunks: number,
  count: number,
  t0: number,
) {
  const off = f.local("i32");
  f.get(t0).get(chunks).mul().get(count).add().i32(1).sub().get(count).divU().get(slotBytes).mul().set(off);
  for (const b of bases) f.get(b).get(off).add().set(b);
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
function accumulate(f: FuncBuilder, base: number, g: number, v: number, addr: number, square: boolean): void {
  for (const half of [0, 1]) {
    at(f, base, null, g, 2).tee(addr);
    f.get(addr).v128Load(half * 16);
    const push = () => (half ? f.highHalfOf(v) : f.get(v)).f64x2PromoteLow();
    push();
    if (square) {
      push();
      f.f64x2Mul();
    }
    f.f64x2Add().v128Store(half * 16);
  }
}

/** Emits `relu_grad(x, dy, dx, bytes, unit, t0, t1)`: `dx = x > 0 ? dy : 0`. */
export function emitReluGrad(m: ModuleBuilder): void {
  const f = m.func("relu_grad", Array(7).fill("i32"));
  const [x, dy, dx, bytes, unit, t0, t1] = [0, 1, 2, 3, 4, 5, 6];
  const i = f.local("i32");
  const [start, end] = byteRange(f, bytes, unit, t0, t1);
  f.get(start).set(i);
  f.forRange(i, end, 16, () => {
    f.get(dx).get(i).add();
    f.get(dy).get(i).add().v128Load();
    f.get(x).get(i).add().v128Load().f32(0).f32x4Splat().f32x4Gt();
    f.v128And().v128Store();
  });
}

/** Emits `affine(x, y, a, b, rowBytes, totalBytes, unit, t0, t1)`: `y[r, k] = a[k]·x[r, k] + b[k]`. */
export function emitAffine(m: ModuleBuilder): void {
  const f = m.func("affine", Array(9).fill("i32"));
  const [x, y, a, b, rowBytes, total, unit, t0, t1] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  rowsAndGroups(f, rowBytes, byteRange(f, total, unit, t0, t1), (r, g) => {
    at(f, y, r, g);
    at(f, x, r, g).v128Load();
    at(f, a, null, g).v128Load().f32x4Mul();
    at(f, b, null, g).v128Load().f32x4Add();
    f.v128Store();
  });
}

/**
 * Emits `sums(x, s1, s2, rowBytes, totalBytes, slotBytes, chunks, count, unit, t0, t1)`: per-channel
 * Σx and Σx² in float64.
 */
export function emitSums(m: ModuleBuilder): void {
  const f = m.func("sums", Array(11).fill("i32"));
  const [x, s1, s2, rowBytes, total, slotBytes, chunks, count, unit, t0, t1] = [
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    9,
    10,
  ];
  const v = f.local("v128"), addr = f.local("i32");
  toSlot(f, [s1, s2], slotBytes, chunks, count, t0);
  rowsAndGroups(f, rowBytes, byteRange(f, total, unit, t0, t1), (r, g) => {
    at(f, x, r, g).v128Load().set(v);
    accumulate(f, s1, g, v, addr, false);
    accumulate(f, s2, g, v, addr, true);
  });
}

/**
 * Emits `sums2(dy, x, mean, sdy, sdyx, rowBytes, totalBytes, slotBytes, chunks, count, unit, t0,
 * t1)`: per-channel Σdy and Σdy·(x − mean) in float64.
 */
export function emitSums2(m: ModuleBuilder): void {
  const f = m.func("sums2", Array(13).fill("i32"));
  const [dy, x, mean, sdy, sdyx, rowBytes, total, slotBytes, chunks, count, unit, t0, t1] = Array.from(
    { length: 13 },
    (_, i) => i,
  );
  const d = f.local("v128"), c = f.local("v128"), addr = f.local("i32");
  toSlot(f, [sdy, sdyx], slotBytes, chunks, count, t0);
  rowsAndGroups(f, rowBytes, byteRange(f, total, unit, t0, t1), (r, g) => {
    at(f, dy, r, g).v128Load().tee(d);
    at(f, x, r, g).v128Load();
    at(f, mean, null, g).v128Load().f32x4Sub().f32x4Mul().set(c);
    accumulate(f, sdy, g, d, addr, false);
    accumulate(f, sdyx, g, c, addr, false);
  });
}

/**
 * Emits `lincomb(dy, x, p, q, c, dx, rowBytes, totalBytes, unit, t0, t1)`:
 * `dx[r, k] = p[k]·dy + q[k]·x + c[k]`.
 */
export function emitLincomb(m: ModuleBuilder): void {
  const f = m.func("lincomb", Array(11).fill("i32"));
  const [dy, x, p, q, c, dx, rowBytes, total, unit, t0, t1] = Array.from({ length: 11 }, (_, i) => i);
  rowsAndGroups(f, rowBytes, byteRange(f, total, unit, t0, t1), (r, g) => {
    at(f, dx, r, g);
    at(f, dy, r, g).v128Load();
    at(f, p, null, g).v128Load().f32x4Mul();
    at(f, x, r, g).v128Load();
    at(f, q, null, g).v128Load().f32x4Mul().f32x4Add();
    at(f, c, null, g).v128Load().f32x4Add();
    f.v128Store();
  });
}

/** Emits `relu(x, y, bytes, unit, t0, t1)`: `y = max(x, 0)`. */
export function emitRelu(m: ModuleBuilder): void {
  const f = m.func("relu", Array(6).fill("i32"));
  const [x, y, bytes, unit, t0, t1] = [0, 1, 2, 3, 4, 5];
  const i = f.local("i32");
  const [start, end] = byteRange(f, bytes, unit, t0, t1);
  f.get(start).set(i);
  f.forRange(i, end, 16, () => {
    f.get(y).get(i).add();
    f.get(x).get(i).add().v128Load().f32(0).f32x4Splat().f32x4Max();
    f.v128Store();
  });
}
