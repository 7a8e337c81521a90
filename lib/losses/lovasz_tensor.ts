/**
 * Lovász-Softmax and Lovász hinge written with TensorFlow.js ops (`topk` to sort, cumulative
 * sums for the weights, `scatterND` to route the gradient back). This is the path for backends
 * whose tensors live on a device (WebGL, WebGPU, tfjs-node-gpu), where reading every pixel back
 * to JavaScript would cost more than sorting on the device. Weights are float32 here; the typed
 * path computes them in float64. Both give the same numbers to float32 precision (tested).
 *
 * Each function is a `tf.customGrad`: the sort happens inside the forward pass, where it is not
 * recorded on the tape (`TopK` has no gradient in TensorFlow.js), and the gradient is the
 * closed form `d loss / d error = Lovász weights`.
 * @module
 */
import { tf } from "../core/tf.ts";
import type { LovaszClasses } from "./lovasz_classes.ts";
import type { HingeTwoChannel } from "./lovasz_hinge_typed.ts";

/**
 * Lovász weights and sorted quantities for one group: errors `[M]` with ignored pixels set to −1e30.
 * The weight of sorted pixel i is the Jaccard loss's increment `J_i − J_{i−1}`, written in closed
 * form so that float32 keeps its precision on large images (the plain difference of two values
 * near 1 loses about three digits at 128×128): with G foreground pixels and F, B the inclusive
 * foreground/background counts, a foreground pixel weighs `1/(G+B)` and a background one
 * `(G−F) / ((G+B−1)(G+B))` (1 for the first background pixel when G = 0).
 */
function sortedWeights(errMasked: tf.Tensor1D, fg: tf.Tensor1D, valid: tf.Tensor1D) {
  const m = errMasked.shape[0];
  const { values, indices } = tf.topk(errMasked, m, true);
  const fgS = tf.gather(fg, indices);
  const validS = tf.gather(valid, indices);
  const gts = tf.sum(fg);
  const cumFg = tf.cumsum(fgS);
  const cumBg = tf.cumsum(tf.sub(validS, fgS));
  const gb = tf.add(gts, cumBg);
  const den = tf.mul(tf.sub(gb, 1), gb);
  const wFg = tf.divNoNan(tf.onesLike(gb), gb);
  const wBg = tf.where(tf.greater(den, 0), tf.divNoNan(tf.sub(gts, cumFg), den), tf.onesLike(den));
  const w = tf.mul(tf.where(tf.cast(fgS, "bool"), wFg, wBg), validS) as tf.Tensor1D;
  return { values: values as tf.Tensor1D, indices: indices as tf.Tensor1D, w };
}

function scatterBack(indices: tf.Tensor1D, sortedGrad: tf.Tensor1D): tf.Tensor1D {
  const m = indices.shape[0];
  return tf.scatterND(tf.reshape(indices, [m, 1]), sortedGrad, [m]) as tf.Tensor1D;
}

function groupsOf(n: number, perImage: boolean): [number, number][] {
  return perImage ? Array.from({ length: n }, (_, i) => [i, 1]) : [[0, n]];
}

/**
 * Lovász-Softmax with tensor ops, reading nothing back: which classes are present is computed on
 * the device, and a class's term is weighted by its presence (0 or 1) instead of being skipped,
 * so `classes: "present"` costs a sort per class but never a synchronous read.
 */
export function lovaszSoftmaxTensor(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  opts: { classes: LovaszClasses; perImage: boolean; ignoreIndex: number },
): tf.Scalar {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor, save = args[1] as tf.GradSaveFunc;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const hw = h * w;
    const groups = groupsOf(n, opts.perImage);
    const list = Array.isArray(opts.classes) ? opts.classes : Array.from({ length: c }, (_, k) => k);
    const out = tf.tidy(() => {
      const probsAll = tf.reshape(tf.softmax(x), [n * hw, c]) as tf.Tensor2D;
      const labAll = tf.reshape(labels, [n * hw]);
      let total: tf.Scalar = tf.scalar(0);
      const grads: tf.Tensor2D[] = [];
      for (const [first, count] of groups) {
        const m = count * hw;
        const probs = tf.slice(probsAll, [first * hw, 0], [m, c]);
        const lab = tf.slice(labAll, first * hw, m);
        const valid = tf.cast(tf.notEqual(lab, opts.ignoreIndex), "float32") as tf.Tensor1D;
        const anyValid = tf.max(valid);
        // Each listed class's weight: 1, or (for "present") whether it occurs among valid pixels.
        const weights: tf.Scalar[] = [];
        const cols: tf.Tensor1D[] = Array.from({ length: c }, () => tf.zeros([m]) as tf.Tensor1D);
        let loss: tf.Scalar = tf.scalar(0);
        for (const k of list) {
          const fg = tf.cast(tf.equal(lab, k), "float32") as tf.Tensor1D;
          const weight = (opts.classes === "present" ? tf.max(tf.mul(fg, valid)) : anyValid) as tf.Scalar;
          weights.push(weight);
          const pk = tf.reshape(tf.slice(probs, [0, k], [m, 1]), [m]) as tf.Tensor1D;
          const err = tf.abs(tf.sub(fg, pk));
          const errMasked = tf.where(tf.cast(valid, "bool"), err, tf.fill([m], -1e30)) as tf.Tensor1D;
          const s = sortedWeights(errMasked, fg, valid);
          loss = tf.add(loss, tf.mul(weight, tf.sum(tf.mul(tf.relu(s.values), s.w))));
          const gErr = scatterBack(s.indices, s.w);
          cols[k] = tf.mul(tf.mul(gErr, tf.sign(tf.sub(pk, fg))), weight) as tf.Tensor1D;
        }
        // 1 / (number of classes counted), 0 when none is (no valid pixel, or none present).
        const counted = tf.addN(weights);
        const inv = tf.divNoNan(tf.scalar(1), counted);
        total = tf.add(total, tf.mul(loss, inv));
        const gP = tf.mul(tf.stack(cols, 1), tf.div(inv, groups.length));
        const dot = tf.sum(tf.mul(probs, gP), 1, true);
        grads.push(tf.mul(probs, tf.sub(gP, dot)) as tf.Tensor2D);
      }
      const value = tf.div(total, groups.length) as tf.Scalar;
      const grad = tf.reshape(tf.concat(grads, 0), x.shape);
      return { value, grad };
    });
    save([out.grad]);
    out.grad.dispose();
    return { value: out.value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  });
  return f(logits) as tf.Scalar;
}

/** Lovász hinge with tensor ops, for 1-channel scores or 2-channel logits. */
export function lovaszHingeTensor(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  opts: { twoChannel: HingeTwoChannel; perImage: boolean; ignoreIndex: number },
): tf.Scalar {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor, save = args[1] as tf.GradSaveFunc;
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const hw = h * w;
    const groups = groupsOf(n, opts.perImage);
    const out = tf.tidy(() => {
      const flat = tf.reshape(x, [n * hw, c]);
      // score and d score / d l1 (d/dl0 is the negative for 2 channels)
      let score: tf.Tensor1D, dScore: tf.Tensor;
      if (c === 1) {
        score = tf.reshape(flat, [n * hw]);
        dScore = tf.onesLike(score);
      } else {
        const l0 = tf.reshape(tf.slice(flat, [0, 0], [n * hw, 1]), [n * hw]);
        const l1 = tf.reshape(tf.slice(flat, [0, 1], [n * hw, 1]), [n * hw]);
        if (opts.twoChannel === "margin") {
          score = tf.sub(l1, l0);
          dScore = tf.onesLike(score);
        } else {
          const p1 = tf.sigmoid(tf.sub(l1, l0));
          const q = tf.add(tf.sub(1, p1), 1e-9);
          const fv = tf.add(p1, tf.div(1e-9, q));
          score = tf.log(fv) as tf.Tensor1D;
          dScore = tf.mul(tf.div(tf.add(1, tf.div(1e-9, tf.square(q))), fv), tf.mul(p1, tf.sub(1, p1)));
        }
      }
      const labAll = tf.reshape(labels, [n * hw]);
      let total: tf.Scalar = tf.scalar(0);
      const gScores: tf.Tensor1D[] = [];
      for (const [first, count] of groups) {
        const m = count * hw;
        const lab = tf.slice(labAll, first * hw, m);
        const s = tf.slice(score, first * hw, m);
        const valid = tf.cast(tf.notEqual(lab, opts.ignoreIndex), "float32") as tf.Tensor1D;
        const fg = tf.cast(tf.equal(lab, 1), "float32") as tf.Tensor1D;
        const sign = tf.sub(tf.mul(fg, 2), 1);
        const err = tf.sub(1, tf.mul(s, sign));
        const errMasked = tf.where(tf.cast(valid, "bool"), err, tf.fill([m], -1e30)) as tf.Tensor1D;
        const sw = sortedWeights(errMasked, fg, valid);
        total = tf.add(total, tf.sum(tf.mul(tf.relu(sw.values), sw.w)));
        const gErr = scatterBack(sw.indices, tf.mul(sw.w, tf.step(sw.values)) as tf.Tensor1D);
        gScores.push(tf.mul(tf.mul(gErr, tf.neg(sign)), 1 / groups.length) as tf.Tensor1D);
      }
      const gs = tf.mul(tf.concat(gScores, 0), dScore);
      const grad = c === 1 ? tf.reshape(gs, x.shape) : tf.reshape(tf.stack([tf.neg(gs), gs], 1), x.shape);
      return { value: tf.div(total, groups.length) as tf.Scalar, grad };
    });
    save([out.grad]);
    out.grad.dispose();
    return { value: out.value, gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]) };
  });
  return f(logits) as tf.Scalar;
}
