/**
 * The per-channel sums of seglab's fused batch norm on `wasm` (`sums` for the forward statistics,
 * `sums2` for the backward pass) in float64: for rows up to 64 channels, float32 partial sums over
 * blocks of 16 rows kept in registers, a 64-byte line at a time; wider rows streamed row by row.
 * @module
 */
import type { FuncBuilder, ModuleBuilder } from "./assembler.ts";
import { accumulate, at, rowsAndGroups } from "./emit_pointwise.ts";

/** Rows per block of the sums: float32 partial sums over them, then added into float64. */
const BLOCK_ROWS = 16;

/** What the blocked sums do per 4-channel group `g` (byte offset in the row) and row `r`. */
interface BlockBody {
  begin(g: number, k: number): void;
  row(r: number, k: number): void;
  end(g: number, k: number): void;
}

/**
 * `for each block of BLOCK_ROWS rows, each run of `width` 4-channel groups: begin; for each row:
 * row(r, k) for the run's groups k; end` — a block stays in cache while its groups are summed in
 * registers. With `width` 4 a run is a whole 64-byte cache line (wide rows: one group at a time
 * walked each line four times and ran 1.4× slower than the per-value float64 sums at 512 channels).
 * `begin`/`end` get the group's byte offset, `row` the byte offset of the row's run.
 */
function blockedGroups(f: FuncBuilder, rowBytes: number, total: number, width: 1 | 4, body: BlockBody): void {
  const b0 = f.local("i32"),
    bend = f.local("i32"),
    block = f.local("i32"),
    g = f.local("i32"),
    r = f.local("i32");
  const gk = f.local("i32");
  const each = (fn: (k: number) => void) => Array.from({ length: width }, (_, k) => fn(k));
  f.get(rowBytes).i32(BLOCK_ROWS).mul().set(block);
  f.i32(0).set(b0);
  f.forRange(b0, total, { local: block }, () => {
    f.get(b0).get(block).add().tee(bend).get(total).get(bend).get(total).ltU().select().set(bend);
    f.i32(0).set(g);
    f.forRange(g, rowBytes, 16 * width, () => {
      each((k) => {
        f.get(g).i32(16 * k).add().set(gk);
        body.begin(gk, k);
      });
      f.get(b0).get(g).add().set(r);
      f.forRange(r, bend, { local: rowBytes }, () => each((k) => body.row(r, k)));
      each((k) => {
        f.get(g).i32(16 * k).add().set(gk);
        body.end(gk, k);
      });
    });
  });
}

/** Rows of at most this many bytes (64 channels) are summed in blocks; wider ones stream row by row. */
const BLOCKED_MAX_ROW_BYTES = 256;

/**
 * Picks the loop by the row width: `blocked(4)` for rows of whole 64-byte lines up to
 * {@linkcode BLOCKED_MAX_ROW_BYTES}, `blocked(1)` for other narrow rows, and `streamed()` — row by
 * row, every value added into the float64 sums — for wide rows, whose blocks the strided walk read
 * slower than one linear pass (512 channels: 41 against 28 ms for a batch norm of 2×192×192).
 */
function byWidth(
  f: FuncBuilder,
  rowBytes: number,
  blocked: (width: 1 | 4) => void,
  streamed: () => void,
): void {
  f.get(rowBytes).i32(BLOCKED_MAX_ROW_BYTES).gtS().if_();
  streamed();
  f.else_();
  f.get(rowBytes).i32(63).and().eqz().if_();
  blocked(4);
  f.else_();
  blocked(1);
  f.end();
  f.end();
}

/**
 * Emits `sums(x, shift, s1, s2, rowBytes, totalBytes)`: per channel `s1 += Σ(x − shift)`,
 * `s2 += Σ(x − shift)²` (float32 `shift`, float64 sums; for rows up to 64 channels, float32 partial sums
 * over blocks of 16 rows).
 * Shifted by a value of the channel (the host passes the first row), the sums carry no
 * cancellation into the variance however large the mean.
 */
export function emitSums(m: ModuleBuilder): void {
  const f = m.func("sums", ["i32", "i32", "i32", "i32", "i32", "i32"]);
  const [x, shift, s1, s2, rowBytes, total] = [0, 1, 2, 3, 4, 5];
  const V = () => f.local("v128");
  const v = V(), k4 = [V(), V(), V(), V()], s = [V(), V(), V(), V()], q = [V(), V(), V(), V()];
  const addr = f.local("i32");
  byWidth(f, rowBytes, (width) =>
    blockedGroups(f, rowBytes, total, width, {
      begin: (g, k) => {
        at(f, shift, null, g).v128Load().set(k4[k]);
        f.f32(0).f32x4Splat().tee(s[k]).set(q[k]);
      },
      row: (r, k) => {
        f.get(x).get(r).add().v128Load(16 * k).get(k4[k]).f32x4Sub().tee(v).get(s[k]).f32x4Add().set(s[k]);
        f.get(v).get(v).f32x4Mul().get(q[k]).f32x4Add().set(q[k]);
      },
      end: (g, k) => {
        accumulate(f, s1, g, s[k], addr);
        accumulate(f, s2, g, q[k], addr);
      },
    }), () =>
    rowsAndGroups(f, rowBytes, total, (r, g) => {
      at(f, x, r, g).v128Load();
      at(f, shift, null, g).v128Load().f32x4Sub().tee(v);
      f.get(v).f32x4Mul().set(q[0]);
      accumulate(f, s1, g, v, addr);
      accumulate(f, s2, g, q[0], addr);
    }));
}

/**
 * Emits `sums2(dy, x, mean, sdy, sdyx, rowBytes, totalBytes)`: per channel `Σdy` and
 * `Σdy·(x − mean)` in float64 (for rows up to 64 channels, float32 partial sums over blocks of 16 rows).
 */
export function emitSums2(m: ModuleBuilder): void {
  const f = m.func("sums2", ["i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
  const [dy, x, mean, sdy, sdyx, rowBytes, total] = [0, 1, 2, 3, 4, 5, 6];
  const V = () => f.local("v128");
  const d = V(), mu = [V(), V(), V(), V()], s = [V(), V(), V(), V()], q = [V(), V(), V(), V()];
  const addr = f.local("i32");
  byWidth(f, rowBytes, (width) =>
    blockedGroups(f, rowBytes, total, width, {
      begin: (g, k) => {
        at(f, mean, null, g).v128Load().set(mu[k]);
        f.f32(0).f32x4Splat().tee(s[k]).set(q[k]);
      },
      row: (r, k) => {
        f.get(dy).get(r).add().v128Load(16 * k).tee(d).get(s[k]).f32x4Add().set(s[k]);
        f.get(d).get(x).get(r).add().v128Load(16 * k).get(mu[k]).f32x4Sub().f32x4Mul().get(q[k]).f32x4Add()
          .set(q[k]);
      },
      end: (g, k) => {
        accumulate(f, sdy, g, s[k], addr);
        accumulate(f, sdyx, g, q[k], addr);
      },
    }), () =>
    rowsAndGroups(f, rowBytes, total, (r, g) => {
      at(f, dy, r, g).v128Load().tee(d);
      at(f, x, r, g).v128Load();
      at(f, mean, null, g).v128Load().f32x4Sub().f32x4Mul().set(q[0]);
      accumulate(f, sdy, g, d, addr);
      accumulate(f, sdyx, g, q[0], addr);
    }));
}
