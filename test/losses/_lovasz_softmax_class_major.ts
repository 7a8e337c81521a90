/**
 * The tests' oracle for `lib/losses/lovasz_softmax_fused.ts`: the class-major Lovász-Softmax kernel
 * that was the CPU path before the fused one (kept here, not in the library, so the fused kernel is
 * checked against an independent layout of the same maths). Originally: the fast path for CPU backends, where
 * `tf.topk` is slow and has no gradient. It takes class-major probabilities (the softmax and its
 * backward pass stay in TensorFlow.js) and returns the loss and d loss / d probabilities.
 *
 * Per class: errors `|fg − p|`, a stable radix sort, the Lovász weights in float64 over the
 * sorted foreground flags, the dot product. Two exact shortcuts:
 * - once every foreground pixel has been passed in the sorted order, the Jaccard index stays 1
 *   and every later weight is exactly 0, so background pixels whose error is below the smallest
 *   foreground error are not sorted at all;
 * - a class absent from the group (under `classes: "all"` or a list) has weight 1 on its largest
 *   error and 0 elsewhere: its loss is `max p`, found without sorting.
 * @module
 */
import { sortDescending } from "../../lib/losses/radix_argsort.ts";
import type { LovaszClasses } from "../../lib/losses/lovasz_classes.ts";

/** Inputs of {@linkcode lovaszSoftmaxTyped}. */
export interface LovaszSoftmaxTypedInput {
  /** Class-major probabilities: `probs[k * m + j]` for class k and pixel j (NHW order), m = n·hw. */
  probs: Float32Array;
  /** NHW labels, m values. */
  labels: ArrayLike<number>;
  n: number;
  /** Pixels per image (H·W). */
  hw: number;
  /** Channels (classes). */
  c: number;
  classes: LovaszClasses;
  /** Average per-image losses (Berman's `per_image`) instead of one loss over the batch. */
  perImage: boolean;
  ignoreIndex: number;
  /** Also compute d loss / d probs. */
  wantGrad: boolean;
}

/** Loss value and, when asked, its gradient with respect to the (class-major) probabilities. */
export interface LovaszSoftmaxResult {
  loss: number;
  gradProbs: Float32Array | null;
}

const FG = 0x80000000;

let keyBuf = new Float32Array(0);
let payBuf = new Uint32Array(0);

/** Lovász-Softmax loss of class-major `probs` against `labels`. */
export function lovaszSoftmaxTyped(inp: LovaszSoftmaxTypedInput): LovaszSoftmaxResult {
  const { probs, labels, n, hw, c, classes, perImage, ignoreIndex, wantGrad } = inp;
  const m = n * hw;
  const gradProbs = wantGrad ? new Float32Array(c * m) : null;
  const groups = perImage ? n : 1;
  const groupSize = perImage ? hw : m;
  if (keyBuf.length < groupSize) {
    keyBuf = new Float32Array(groupSize);
    payBuf = new Uint32Array(groupSize);
  }
  const keys = keyBuf, pay = payBuf;
  const vidx = new Int32Array(groupSize);
  const counts = new Float64Array(c);
  let total = 0;
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize;
    counts.fill(0);
    let p = 0;
    for (let j = start; j < start + groupSize; j++) {
      const y = labels[j];
      if (y === ignoreIndex) continue;
      vidx[p++] = j;
      counts[y]++;
    }
    if (p === 0) continue; // contributes 0 (and still counts in the per-image mean)
    const list = classes === "present"
      ? Array.from({ length: c }, (_, k) => k).filter((k) => counts[k] > 0)
      : classes === "all"
      ? Array.from({ length: c }, (_, k) => k)
      : classes;
    if (list.length === 0) continue;
    const scale = 1 / list.length / groups;
    let groupLoss = 0;
    for (const k of list) {
      const off = k * m;
      const gts = counts[k];
      if (gts === 0) {
        // Absent class: Jaccard is 1 from the first sorted pixel on; weight 1 on the largest error.
        let best = -1, bestP = -Infinity;
        for (let t = 0; t < p; t++) {
          const pr = probs[off + vidx[t]];
          if (pr > bestP) bestP = pr, best = vidx[t];
        }
        groupLoss += bestP;
        if (gradProbs && bestP !== 0) gradProbs[off + best] = scale;
        continue;
      }
      let minFg = Infinity;
      for (let t = 0; t < p; t++) {
        const j = vidx[t];
        if (labels[j] === k) {
          const e = Math.fround(1 - probs[off + j]); // compare as the float32 sort keys do
          if (e < minFg) minFg = e;
        }
      }
      // Foreground pixels, and the background pixels that can precede the last of them.
      let q = 0;
      for (let t = 0; t < p; t++) {
        const j = vidx[t];
        const pr = probs[off + j];
        if (labels[j] === k) {
          keys[q] = 1 - pr;
          pay[q++] = (j | FG) >>> 0;
        } else if (pr >= minFg) {
          keys[q] = pr;
          pay[q++] = j;
        }
      }
      const sorted = sortDescending(keys, pay, q);
      const sk = sorted.keys, sp = sorted.payload;
      let cumFg = 0, cumBg = 0, prev = 0, lossK = 0;
      for (let r = 0; r < q; r++) {
        const word = sp[r];
        const fg = word >= FG;
        if (fg) cumFg++;
        else cumBg++;
        const jac = 1 - (gts - cumFg) / (gts + cumBg);
        const w = jac - prev;
        prev = jac;
        const err = sk[r];
        lossK += err * w;
        // d|fg − p|/dp: −1 for foreground, +1 for background, 0 where the error is 0.
        if (gradProbs && err !== 0) gradProbs[off + (word & 0x7fffffff)] = (fg ? -w : w) * scale;
        if (cumFg === gts) break; // every later weight is exactly 0
      }
      groupLoss += lossK;
    }
    total += groupLoss / list.length;
  }
  return { loss: total / groups, gradProbs };
}
