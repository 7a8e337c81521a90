/**
 * Lovász hinge on typed arrays, the fast path for CPU backends. Two exact shortcuts keep the
 * sort small: pixels with a non-positive hinge error contribute `relu(error) = 0` and receive no
 * gradient, and once every foreground pixel has been passed in the sorted order all later
 * weights are exactly 0 — so only positive errors that can precede the last foreground pixel
 * are sorted (the weights of a prefix of the sorted order do not depend on what follows it).
 * @module
 */
import { sortDescending } from "./radix_argsort.ts";

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

/** Loss value and, when asked, its gradient (NHWC, zero at ignored pixels). */
export interface LovaszResult {
  loss: number;
  grad: Float32Array | null;
}

const EPS = 1e-9;
const FG = 0x80000000;

/** d score / d l1 for PaddleSeg's 2-channel form (the score itself goes to `s`). */
function paddleScores(logits: Float32Array, m: number, s: Float64Array): Float64Array {
  const ds = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const p1 = 1 / (1 + Math.exp(logits[2 * i] - logits[2 * i + 1]));
    const q = 1 - p1 + EPS;
    const f = p1 + EPS / q;
    s[i] = Math.log(f);
    ds[i] = ((1 + EPS / (q * q)) / f) * p1 * (1 - p1);
  }
  return ds;
}

let keyBuf = new Float32Array(0);
let payBuf = new Uint32Array(0);

/** Lovász hinge loss of binary `logits` against `labels`. */
export function lovaszHingeTyped(inp: LovaszHingeTypedInput): LovaszResult {
  const { logits, labels, n, hw, c, twoChannel, perImage, ignoreIndex, wantGrad } = inp;
  const m = n * hw;
  const grad = wantGrad ? new Float32Array(m * c) : null;
  const groups = perImage ? n : 1;
  const groupSize = perImage ? hw : m;
  // One score per pixel: the logit, the margin l1 − l0, or PaddleSeg's log-form.
  let s: Float32Array | Float64Array = logits;
  let ds: Float64Array | null = null;
  if (c === 2) {
    const s64 = new Float64Array(m);
    if (twoChannel === "paddleseg") ds = paddleScores(logits, m, s64);
    else for (let i = 0; i < m; i++) s64[i] = logits[2 * i + 1] - logits[2 * i];
    s = s64;
  }
  if (keyBuf.length < groupSize) {
    keyBuf = new Float32Array(groupSize);
    payBuf = new Uint32Array(groupSize);
  }
  const keys = keyBuf, pay = payBuf;
  const outScale = 1 / groups;
  let total = 0;
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize, end = start + groupSize;
    let gts = 0, minFg = Infinity;
    for (let i = start; i < end; i++) {
      if (labels[i] === 1) {
        gts++;
        const e = Math.fround(1 - s[i]); // compare as the float32 sort keys do
        if (e < minFg) minFg = e;
      }
    }
    const floor = gts > 0 && minFg > 0 ? minFg : 0;
    let q = 0;
    for (let i = start; i < end; i++) {
      const y = labels[i];
      if (y === 1) {
        const e = 1 - s[i];
        if (e > 0) {
          keys[q] = e;
          pay[q++] = (i | FG) >>> 0;
        }
      } else if (y !== ignoreIndex) {
        const e = Math.fround(1 + s[i]);
        if (e > 0 && e >= floor) {
          keys[q] = e;
          pay[q++] = i;
        }
      }
    }
    if (q === 0) continue;
    const sorted = sortDescending(keys, pay, q);
    const sk = sorted.keys, sp = sorted.payload;
    let cumFg = 0, cumBg = 0, prev = 0, loss = 0;
    for (let r = 0; r < q; r++) {
      const word = sp[r];
      const fg = word >= FG;
      if (fg) cumFg++;
      else cumBg++;
      const jac = 1 - (gts - cumFg) / (gts + cumBg);
      const w = jac - prev;
      prev = jac;
      loss += sk[r] * w;
      if (grad !== null) {
        // d error / d score = −sign; relu' = 1 for positive errors.
        const i = word & 0x7fffffff;
        const gs = (fg ? -w : w) * outScale;
        if (c === 1) grad[i] = gs;
        else {
          const d = ds ? ds[i] : 1;
          grad[2 * i + 1] = gs * d;
          grad[2 * i] = -gs * d;
        }
      }
      if (cumFg === gts) break; // every later weight is exactly 0
    }
    total += loss;
  }
  return { loss: total / groups, grad };
}
