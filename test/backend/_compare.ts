/**
 * Helpers for the backend tests: deterministic data, running one computation on a chosen
 * backend, and comparing the wasm kernels against the cpu backend.
 */
import { ready, tf } from "../../lib/mod.ts";
import { assertAllClose } from "../support/assert_close.ts";

/** Deterministic values in [−1, 1) (a 32-bit LCG), the same on every backend. */
export function rand(n: number, seed = 1): Float32Array {
  const a = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    a[i] = (s / 2 ** 32) * 2 - 1;
  }
  return a;
}

/** A float32 tensor of deterministic values. */
export function randTensor<R extends tf.Rank>(shape: number[], seed = 1, offset = 0): tf.Tensor<R> {
  const n = shape.reduce((a, b) => a * b, 1);
  const v = rand(n, seed);
  if (offset) { for (let i = 0; i < n; i++) v[i] += offset; }
  return tf.tensor(v, shape as never, "float32") as tf.Tensor<R>;
}

/** Runs `fn` on `backend` and returns copies of its outputs' data (no tensor survives). */
export async function onBackend(backend: string, fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await ready(backend, { quiet: true });
  const outs = tf.tidy(fn);
  const data = outs.map((t) => Float32Array.from(t.dataSync()));
  tf.dispose(outs);
  return data;
}

/**
 * Runs `fn` on `cpu` and on `wasm` and asserts every output agrees within
 * `atol + rtol·|cpu|` (float32: the two accumulate sums in different orders).
 */
export async function assertWasmMatchesCpu(
  what: string,
  fn: () => tf.Tensor[],
  atol = 2e-5,
  rtol = 2e-5,
): Promise<void> {
  const expected = await onBackend("cpu", fn);
  const actual = await onBackend("wasm", fn);
  expected.forEach((e, i) => assertAllClose(actual[i], e, atol, rtol, `${what} output ${i}`));
}

/**
 * Central finite differences of a scalar function at `n` coordinates of `x` (in float32 on the
 * active backend), for comparing with an analytic gradient.
 */
export function finiteDifferences(
  f: (x: tf.Tensor) => tf.Scalar,
  x: tf.Tensor,
  coords: number[],
  eps: number,
): number[] {
  const base = x.dataSync();
  return coords.map((i) =>
    tf.tidy(() => {
      const plus = Float32Array.from(base), minus = Float32Array.from(base);
      plus[i] += eps;
      minus[i] -= eps;
      const fp = f(tf.tensor(plus, x.shape)).dataSync()[0];
      const fm = f(tf.tensor(minus, x.shape)).dataSync()[0];
      return (fp - fm) / (2 * eps);
    })
  );
}

/** `count` spread-out flat indices of a tensor of `size` elements. */
export function someCoords(size: number, count = 12): number[] {
  const out = new Set<number>();
  for (let k = 0; k < count; k++) out.add(Math.floor(((k + 0.5) / count) * size));
  return [...out];
}
