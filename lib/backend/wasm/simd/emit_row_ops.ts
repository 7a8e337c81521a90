/**
 * Row kernels of the softmax losses on `wasm`, 4 floats per instruction over rows of `cols`
 * values (`cols` a multiple of 4; byte offsets):
 *
 * - `row_broadcast(a, b, y, rows, cols, op)`: `y[r, c] = a[r, c] ∘ b[r]` with `∘` by `op`:
 *   0 `a − b`, 1 `b − a`, 2 `a·b`, 3 `a + b` — a binary op whose one operand has a last axis of 1
 *   (`x − max(x)`, `logits − logΣexp`, `dy·(…)`), which tfjs's wasm backend runs through its
 *   general broadcasting loop (~2 ns per value against 0.3 for equal shapes);
 * - `row_max(x, y, rows, cols)`: `y[r] = max_c x[r, c]` (NaN if any is NaN).
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";

/** The `op` codes of `row_broadcast`. */
export const ROW_OP = { sub: 0, rsub: 1, mul: 2, add: 3 } as const;

/** Emits `row_broadcast(a, b, y, rows, cols, op)`. */
export function emitRowBroadcast(m: ModuleBuilder): void {
  const f = m.func("row_broadcast", ["i32", "i32", "i32", "i32", "i32", "i32"]);
  const [a, b, y, rows, cols, op] = [0, 1, 2, 3, 4, 5];
  const c = f.local("i32"), rowBytes = f.local("i32"), end = f.local("i32"), s = f.local("v128");
  f.get(cols).i32(2).shl().set(rowBytes);
  f.get(rows).get(rowBytes).mul().set(end); // bytes of a (and y)
  const ops: [number, () => void][] = [
    [ROW_OP.sub, () => f.get(a).get(c).add().v128Load().get(s).f32x4Sub()],
    [ROW_OP.rsub, () => f.get(s).get(a).get(c).add().v128Load().f32x4Sub()],
    [ROW_OP.mul, () => f.get(a).get(c).add().v128Load().get(s).f32x4Mul()],
    [ROW_OP.add, () => f.get(a).get(c).add().v128Load().get(s).f32x4Add()],
  ];
  for (const [code, value] of ops) {
    f.get(op).i32(code).eq().if_();
    const row = f.local("i32"), next = f.local("i32");
    f.i32(0).set(row);
    f.forRange(row, end, { local: rowBytes }, () => {
      f.get(b).v128Load32Splat().set(s);
      f.get(row).get(rowBytes).add().set(next);
      f.get(row).set(c);
      f.forRange(c, next, 16, () => {
        f.get(y).get(c).add();
        value();
        f.v128Store();
      });
      f.get(b).i32(4).add().set(b);
    });
    f.end();
  }
}

/** Emits `row_max(x, y, rows, cols)`. */
export function emitRowMax(m: ModuleBuilder): void {
  const f = m.func("row_max", ["i32", "i32", "i32", "i32"]);
  const [x, y, rows, cols] = [0, 1, 2, 3];
  const r = f.local("i32"), c = f.local("i32"), rowBytes = f.local("i32"), v = f.local("v128");
  f.get(cols).i32(2).shl().set(rowBytes);
  f.i32(0).set(r);
  f.forRange(r, rows, 1, () => {
    f.get(x).v128Load().set(v);
    f.i32(16).set(c);
    f.forRange(c, rowBytes, 16, () => {
      f.get(v).get(x).get(c).add().v128Load().f32x4Max().set(v);
    });
    // lanes 2–3 onto 0–1, then lane 1 onto 0
    f.get(v).highHalfOf(v).f32x4Max().set(v);
    f.get(y).get(v).get(v).get(v).i8x16Shuffle([4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7, 4, 5, 6, 7]).f32x4Max();
    f.f32x4ExtractLane(0).f32Store();
    f.get(x).get(rowBytes).add().set(x);
    f.get(y).i32(4).add().set(y);
  });
}
