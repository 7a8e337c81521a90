/**
 * Lovász-Softmax on the pixel-major (NHWC) probabilities, with the softmax's backward pass
 * fused in: the loss and d loss / d logits from one read of the probabilities, no transpose to
 * class-major and no gradient round trip through TensorFlow.js ops.
 *
 * The maths and the results are those of the class-major kernel it replaced (kept as the tests'
 * oracle, `test/losses/_lovasz_softmax_class_major.ts`: the same sort keys, the same
 * stable order, the same float64 weights, the loss bit for bit; gradients within float32
 * rounding); what changes is how often memory is walked. Per group (the batch, or one image):
 * 1. one pass over the pixels: per class its foreground count and largest foreground probability
 *    (which bounds the background pixels that can precede its last foreground pixel), and for an
 *    absent class its largest probability;
 * 2. one pass sizing, one filling every class's sort candidates into one buffer, each class's in
 *    ascending pixel order (the stable tie-break);
 * 3. per class a radix sort of its candidates and the Lovász weights, scattered as d loss / d p
 *    into a pixel-major buffer;
 * 4. one pass applying the softmax's Jacobian in place: `dz = p ⊙ (g − Σ_c p·g)`.
 * @module
 */
import { sortDescending } from "./radix_argsort.ts";
import type { LovaszClasses } from "./lovasz_classes.ts";

/** Inputs of {@linkcode lovaszSoftmaxFused}. */
export interface LovaszSoftmaxFusedInput {
  /** Pixel-major probabilities (softmax of NHWC logits): `probs[j * c + k]`. */
  probs: Float32Array;
  /** NHW labels, n·hw values. */
  labels: ArrayLike<number>;
  n: number;
  hw: number;
  c: number;
  classes: LovaszClasses;
  perImage: boolean;
  ignoreIndex: number;
  /** Also compute d loss / d logits (through the softmax). */
  wantGrad: boolean;
}

/** Loss and, when asked, d loss / d logits (NHWC, the probabilities' layout). */
export interface LovaszSoftmaxFusedResult {
  loss: number;
  gradLogits: Float32Array | null;
}

const FG = 0x80000000;
let keyBuf = new Float32Array(0);
let payBuf = new Uint32Array(0);

function buffers(size: number): [Float32Array, Uint32Array] {
  if (keyBuf.length < size) {
    keyBuf = new Float32Array(size);
    payBuf = new Uint32Array(size);
  }
  return [keyBuf, payBuf];
}

/** Releases the cached candidate buffers (they grow to the largest input seen). */
export function releaseLovaszBuffers(): void {
  keyBuf = new Float32Array(0);
  payBuf = new Uint32Array(0);
}

/** Lovász-Softmax loss of pixel-major `probs` against `labels`, with d loss / d logits. */
export function lovaszSoftmaxFused(inp: LovaszSoftmaxFusedInput): LovaszSoftmaxFusedResult {
  const { probs, labels, n, hw, c, classes, perImage, ignoreIndex, wantGrad } = inp;
  const m = n * hw;
  const grad = wantGrad ? new Float32Array(m * c) : null;
  const groups = perImage ? n : 1;
  const groupSize = perImage ? hw : m;
  const counts = new Float64Array(c);
  const maxFg = new Float32Array(c), maxAll = new Float32Array(c);
  const argMax = new Int32Array(c);
  const sizes = new Int32Array(c), offsets = new Int32Array(c + 1);
  let total = 0;
  for (let g = 0; g < groups; g++) {
    const start = g * groupSize, end = start + groupSize;
    // Pass 1: counts, the largest foreground probability per class, the largest probability overall.
    counts.fill(0);
    maxFg.fill(-1);
    maxAll.fill(-Infinity);
    argMax.fill(-1);
    let valid = 0;
    for (let j = start; j < end; j++) {
      const y = labels[j];
      if (y === ignoreIndex) continue;
      valid++;
      counts[y]++;
      const row = j * c;
      const py = probs[row + y];
      if (py > maxFg[y]) maxFg[y] = py;
      if (classes === "present") continue; // absent classes only count under "all" or a list
      for (let k = 0; k < c; k++) {
        const pr = probs[row + k];
        if (pr > maxAll[k]) {
          maxAll[k] = pr;
          argMax[k] = j;
        }
      }
    }
    if (valid === 0) continue; // contributes 0 (and still counts in the per-image mean)
    const list = classes === "present"
      ? Array.from({ length: c }, (_, k) => k).filter((k) => counts[k] > 0)
      : classes === "all"
      ? Array.from({ length: c }, (_, k) => k)
      : classes;
    if (list.length === 0) continue;
    const scale = 1 / list.length / groups;
    // Background pixels below the smallest foreground error (1 − largest foreground p, as float32)
    // come after the last foreground pixel in the sorted order, where every weight is 0.
    const sorted = new Uint8Array(c);
    const minFg = new Float32Array(c);
    for (const k of list) {
      if (counts[k] > 0) {
        sorted[k] = 1;
        minFg[k] = Math.fround(1 - maxFg[k]);
      }
    }
    // Pass 2: candidates per class; pass 3: fill them, each class's in ascending pixel order.
    sizes.fill(0);
    for (let j = start; j < end; j++) {
      const y = labels[j];
      if (y === ignoreIndex) continue;
      const row = j * c;
      for (let k = 0; k < c; k++) {
        if (sorted[k] && (k === y || probs[row + k] >= minFg[k])) sizes[k]++;
      }
    }
    offsets[0] = 0;
    for (let k = 0; k < c; k++) offsets[k + 1] = offsets[k] + sizes[k];
    const [keys, pay] = buffers(offsets[c]);
    const at = offsets.slice(0, c);
    for (let j = start; j < end; j++) {
      const y = labels[j];
      if (y === ignoreIndex) continue;
      const row = j * c;
      for (let k = 0; k < c; k++) {
        if (!sorted[k]) continue;
        const pr = probs[row + k];
        if (k === y) {
          keys[at[k]] = 1 - pr;
          pay[at[k]++] = (j | FG) >>> 0;
        } else if (pr >= minFg[k]) {
          keys[at[k]] = pr;
          pay[at[k]++] = j;
        }
      }
    }
    let groupLoss = 0;
    for (const k of list) {
      if (!sorted[k]) {
        // Absent class: weight 1 on its largest error (its largest probability), 0 elsewhere.
        groupLoss += maxAll[k];
        if (grad && maxAll[k] !== 0) grad[argMax[k] * c + k] = scale;
        continue;
      }
      groupLoss += lovaszClass(keys, pay, offsets[k], sizes[k], counts[k], grad, c, k, scale);
    }
    total += groupLoss / list.length;
  }
  if (grad) softmaxBackwardInPlace(probs, grad, m, c);
  return { loss: total / groups, gradLogits: grad };
}

/** Sorts one class's candidates and returns its loss; scatters d loss / d p into `grad`. */
function lovaszClass(
  keys: Float32Array,
  pay: Uint32Array,
  off: number,
  q: number,
  gts: number,
  grad: Float32Array | null,
  c: number,
  k: number,
  scale: number,
): number {
  const s = sortDescending(keys.subarray(off, off + q), pay.subarray(off, off + q), q);
  const sk = s.keys, sp = s.payload;
  let cumFg = 0, cumBg = 0, prev = 0, loss = 0;
  for (let r = 0; r < q; r++) {
    const word = sp[r];
    const fg = word >= FG;
    if (fg) cumFg++;
    else cumBg++;
    const jac = 1 - (gts - cumFg) / (gts + cumBg);
    const w = jac - prev;
    prev = jac;
    const err = sk[r];
    loss += err * w;
    // d|fg − p|/dp: −1 for foreground, +1 for background, 0 where the error is 0.
    if (grad && err !== 0) grad[(word & 0x7fffffff) * c + k] = (fg ? -w : w) * scale;
    if (cumFg === gts) break; // every later weight is exactly 0
  }
  return loss;
}

/** `g ← p ⊙ (g − Σ_c p·g)` per pixel: d loss / d logits from d loss / d probabilities. */
function softmaxBackwardInPlace(p: Float32Array, g: Float32Array, m: number, c: number): void {
  for (let row = 0, end = m * c; row < end; row += c) {
    let dot = 0, any = false;
    for (let k = row; k < row + c; k++) {
      const gk = g[k];
      if (gk !== 0) {
        dot += p[k] * gk;
        any = true;
      }
    }
    if (!any) continue;
    for (let k = row; k < row + c; k++) g[k] = p[k] * (g[k] - dot);
  }
}
