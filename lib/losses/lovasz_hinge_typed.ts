/**
 * Lovász hinge on typed arrays, the fast path for CPU backends. Only pixels with a positive
 * hinge error are sorted: the rest contribute `relu(error) = 0` and receive no gradient, and the
 * Lovász weights of a prefix of the sorted order do not depend on what follows it.
 * @module
 */
import { argsortDescending } from "./radix_argsort.ts";
import type { LovaszResult } from "./lovasz_softmax_typed.ts";

/**
 * How 2-channel logits become one score per pixel:
 * - `"margin"`: the binary margin `l1 − l0` (seglab's default);
 * - `"paddleseg"`: PaddleSeg's `log(p1 + 1e-9 / (1 − p1 + 1e-9))`, operator precedence and all.
 */
export type HingeTwoChannel = "margin" | "paddleseg";

/** Inputs of {@linkcode lovaszHingeTyped}. */
export interface LovaszHingeTypedInput {
  /** NHWC logits with 1 or 2 channels. */
  logits: Float32Array;
  /** NHW binary labels (0/1, or `ignoreIndex`). */
  labels: ArrayLike<number>;
  n: number;
  hw: number;
  /** 1 or 2. */
  c: number;
  twoChannel: HingeTwoChannel;
  perImage: boolean;
  ignoreIndex: number;
  wantGrad: boolean;
}

const EPS = 1e-9;

/** Lovász hinge loss of binary `logits` against `labels`. */
export function lovaszHingeTyped(inp: LovaszHingeTypedInput): LovaszResult {
  const { logits, labels, n, hw, c, twoChannel, perImage, ignoreIndex, wantGrad } = inp;
  const grad = wantGrad ? new Float32Array(n * hw * c) : null;
  const groups = perImage ? n : 1;
  const groupSize = perImage ? hw : n * hw;
  const keys = new Float32Array(groupSize);
  const errs = new Float64Array(groupSize);
  const pixOf = new Int32Array(groupSize);
  const perm = new Uint32Array(groupSize);
  let total = 0;
  for (let g = 0; g < groups; g++) total += group(g * groupSize, groupSize);
  return { loss: total / groups, grad };

  /** Score of pixel `i` and d score / d l1 (for 2 channels; d/dl0 is its negative). */
  function score(i: number, out: Float64Array): void {
    if (c === 1) {
      out[0] = logits[i];
      out[1] = 1;
      return;
    }
    const l0 = logits[2 * i], l1 = logits[2 * i + 1];
    if (twoChannel === "margin") {
      out[0] = l1 - l0;
      out[1] = 1;
      return;
    }
    const p1 = 1 / (1 + Math.exp(l0 - l1));
    const q = 1 - p1 + EPS;
    const f = p1 + EPS / q;
    out[0] = Math.log(f);
    out[1] = ((1 + EPS / (q * q)) / f) * p1 * (1 - p1);
  }

  function group(start: number, size: number): number {
    const s = new Float64Array(2);
    let gts = 0, m = 0;
    for (let i = start; i < start + size; i++) {
      const y = labels[i];
      if (y === ignoreIndex) continue;
      if (y === 1) gts++;
      score(i, s);
      const err = 1 - s[0] * (y === 1 ? 1 : -1);
      if (err > 0) {
        keys[m] = err;
        errs[m] = err;
        pixOf[m] = i;
        m++;
      }
    }
    if (m === 0) return 0;
    argsortDescending(keys, m, perm);
    let cumFg = 0, cumBg = 0, prev = 0, loss = 0;
    const outScale = 1 / groups;
    for (let r = 0; r < m; r++) {
      const q = perm[r];
      const i = pixOf[q];
      const fg = labels[i] === 1;
      if (fg) cumFg++;
      else cumBg++;
      const jac = 1 - (gts - cumFg) / (gts + cumBg);
      const w = jac - prev;
      prev = jac;
      loss += errs[q] * w;
      if (grad !== null) {
        // d error / d score = −sign; relu' = 1 for positive errors.
        const gs = (fg ? -w : w) * outScale;
        if (c === 1) grad[i] = gs;
        else {
          score(i, s);
          grad[2 * i + 1] = gs * s[1];
          grad[2 * i] = -gs * s[1];
        }
      }
    }
    return loss;
  }
}
