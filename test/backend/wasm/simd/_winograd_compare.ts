/** What the Winograd kernel tests share: a case's shape, the relative error, and a forced mode. */
import assert from "node:assert/strict";
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

/** Runs `fn` with the Winograd mode forced to `mode`, restoring the previous one after. */
export async function withMode<T>(mode: WinogradMode, fn: () => Promise<T>): Promise<T> {
  const prev = setWinogradMode(mode);
  try {
    return await fn();
  } finally {
    setWinogradMode(prev);
  }
}
