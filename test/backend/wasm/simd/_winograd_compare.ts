/**
 * What the Winograd kernel tests share: a case's shape, its forward output and input gradient, the
 * relative error and its bound, and a forced mode.
 */
import assert from "node:assert/strict";
import { tf } from "../../../../lib/mod.ts";
import { randTensor } from "../../_compare.ts";
import { setWinogradMode, type WinogradMode } from "../../../../lib/backend/wasm/conv3x3_choice.ts";
import type { Pad } from "../_conv_cases.ts";

/** A 3×3 stride-1 convolution of NHWC `x` to `co` channels. */
export interface WinogradCase {
  x: [number, number, number, number];
  co: number;
  pad: Pad;
}

/** max |a − e| / max |e| (asserts both finite and `e` not all zero). */
export function relError(a: Float32Array, e: Float32Array): number {
  assert.equal(a.length, e.length);
  let d = 0, m = 0;
  for (let i = 0; i < e.length; i++) {
    d = Math.max(d, Math.abs(a[i] - e[i]));
    m = Math.max(m, Math.abs(e[i]));
  }
  assert.ok(m > 0 && Number.isFinite(d), "outputs are finite and not all zero");
  return d / m;
}

/** The forward output and the input gradient of `Σ conv2d(x, w)·r` (`offset` added to `x`). */
export function convAndInputGradient(c: WinogradCase, offset = 0): tf.Tensor[] {
  const x = randTensor<tf.Rank.R4>(c.x, 21, offset);
  const w = randTensor<tf.Rank.R4>([3, 3, c.x[3], c.co], 22);
  const y = tf.conv2d(x, w, 1, c.pad);
  const r = randTensor(y.shape, 23);
  const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, w, 1, c.pad), r)))(x);
  return [y, dx];
}

/** Asserts `got` within `bound` (relative, see {@linkcode relError}) of each reference; returns the errors. */
export function assertWithin(
  got: Float32Array,
  refs: Record<string, Float32Array>,
  bound: number,
  what: string,
): Record<string, number> {
  const errors: Record<string, number> = {};
  for (const [name, ref] of Object.entries(refs)) {
    const e = errors[name] = relError(got, ref);
    assert.ok(e <= bound, `${what} vs ${name}: relative error ${e} > ${bound}`);
  }
  return errors;
}

/** Runs `fn` with the Winograd mode forced to `mode`, restoring the previous one after. */
export async function withMode<T>(mode: WinogradMode, fn: () => Promise<T>): Promise<T> {
  const prev = setWinogradMode(mode);
  try {
    return await fn();
  } finally {
    setWinogradMode(prev);
  }
}
