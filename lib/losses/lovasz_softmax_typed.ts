/**
 * Lovász-Softmax on typed arrays: softmax, per-class errors, radix argsort, Lovász weights in
 * float64, and the closed-form gradient with respect to the logits — the fast path for CPU
 * backends (`cpu`, `wasm`), where `tf.topk` is slow and has no gradient.
 * @module
 */
import { argsortDescending } from "./radix_argsort.ts";

/** Which classes a Lovász-Softmax loss averages over. */
export type LovaszClasses = "present" | "all" | number[];

/** Inputs of {@linkcode lovaszSoftmaxTyped}. */
export interface LovaszSoftmaxTypedInput {
  /** NHWC logits, `n·hw·c` values. */
  logits: Float32Array;
  /** NHW labels, `n·hw` values. */
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
  /** Also compute d loss / d logits. */
  wantGrad: boolean;
}

/** Loss value and, when asked, its gradient (NHWC, zero at ignored pixels). */
export interface LovaszResult {
  loss: number;
  grad: Float32Array | null;
}

/** Lovász-Softmax loss of `logits` against `labels` (softmax applied inside, as in PaddleSeg). */
export function lovaszSoftmaxTyped(inp: LovaszSoftmaxTypedInput): LovaszResult {
  const { logits, labels, n, hw, c, classes, perImage, ignoreIndex, wantGrad } = inp;
  const grad = wantGrad ? new Float32Array(n * hw * c) : null;
  const groups = perImage ? n : 1;
  const groupSize = perImage ? hw : n * hw;
  let total = 0;
  for (let g = 0; g < groups; g++) {
    total += group(g * groupSize, groupSize);
  }
  return { loss: total / groups, grad };

  function group(start: number, size: number): number {
    // Valid pixels of the group, in ascending pixel order (the fixtures' tie-break).
    const vidx = new Int32Array(size);
    let p = 0;
    const counts = new Float64Array(c);
    for (let i = start; i < start + size; i++) {
      const y = labels[i];
      if (y === ignoreIndex) continue;
      vidx[p++] = i;
      counts[y]++;
    }
    if (p === 0) return 0;
    const list = classes === "present"
      ? Array.from({ length: c }, (_, k) => k).filter((k) => counts[k] > 0)
      : classes === "all"
      ? Array.from({ length: c }, (_, k) => k)
      : classes;
    if (list.length === 0) return 0;

    // Softmax in float64, stored class-major (contiguous per class for the error pass).
    const probs = new Float32Array(c * p);
    const vlab = new Int32Array(p);
    const e = new Float64Array(c);
    for (let j = 0; j < p; j++) {
      const pix = vidx[j];
      vlab[j] = labels[pix];
      const base = pix * c;
      let max = -Infinity;
      for (let k = 0; k < c; k++) if (logits[base + k] > max) max = logits[base + k];
      let sum = 0;
      for (let k = 0; k < c; k++) sum += e[k] = Math.exp(logits[base + k] - max);
      for (let k = 0; k < c; k++) probs[k * p + j] = e[k] / sum;
    }

    const gP = wantGrad ? new Float32Array(c * p) : null;
    const errors = new Float32Array(p);
    const perm = new Uint32Array(p);
    let loss = 0;
    for (const k of list) {
      const off = k * p;
      const gts = counts[k];
      for (let j = 0; j < p; j++) {
        const pr = probs[off + j];
        errors[j] = vlab[j] === k ? 1 - pr : pr;
      }
      argsortDescending(errors, p, perm);
      let cumFg = 0, cumBg = 0, prev = 0, lossK = 0;
      for (let r = 0; r < p; r++) {
        const j = perm[r];
        const fg = vlab[j] === k;
        if (fg) cumFg++;
        else cumBg++;
        const jac = 1 - (gts - cumFg) / (gts + cumBg);
        const w = jac - prev;
        prev = jac;
        const pr = probs[off + j];
        const err = fg ? 1 - pr : pr; // exact in float64
        lossK += err * w;
        // d|fg − p|/dp: −1 for foreground, +1 for background, 0 where the error is 0.
        if (gP !== null && err !== 0) gP[off + j] = fg ? -w : w;
      }
      loss += lossK;
    }
    const scale = 1 / list.length;
    if (grad !== null && gP !== null) {
      const outScale = scale / groups;
      for (let j = 0; j < p; j++) {
        let dot = 0;
        for (let k = 0; k < c; k++) dot += probs[k * p + j] * gP[k * p + j];
        const base = vidx[j] * c;
        for (let k = 0; k < c; k++) {
          const pr = probs[k * p + j];
          grad[base + k] = outScale * pr * (gP[k * p + j] - dot);
        }
      }
    }
    return loss * scale;
  }
}
