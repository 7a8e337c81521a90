/**
 * `CrossEntropyLoss` with PaddleSeg's semantics: per-class `weight`, `ignore_index`,
 * hard-pixel mining with `top_k_percent_pixels`, and `avg_non_ignore` (mean over non-ignored
 * pixels, or over all pixels). With weights the mean is weighted, PyTorch-style:
 * `Σ w_y·ℓ / Σ_valid w_y`. PaddleSeg's `1e-8` in the denominator is kept.
 *
 * `data_format` says how the logits given to the loss are laid out; seglab's tensors are NHWC
 * (the default here). PaddleSeg's default `NCHW` is its own layout: leave it unset in pasted
 * configs.
 *
 * Top-k selects pixels in JavaScript (a constant mask), so the gradient needs neither `TopK`
 * (no gradient in TensorFlow.js) nor `gather`'s gradient (missing on `wasm`).
 * @module
 */
import { tf } from "../core/tf.ts";
import { LossError } from "./errors.ts";
import { bool, num, numberListOrNull, oneOf, type ParamSchema } from "./params.ts";
import { validateInputs } from "./validate.ts";
import { argsortDescending } from "./radix_argsort.ts";
import { syncReadsWork } from "../backend/read.ts";
import { withoutGradient } from "./no_grad.ts";

/** A 0/1 mask of the `k` largest values of `x` (ties: whichever `topk` returns first). */
function topMask(x: tf.Tensor, k: number): tf.Tensor {
  return tf.tidy(() => {
    const { indices } = tf.topk(tf.reshape(x, [x.size]), k, false);
    return tf.reshape(tf.scatterND(tf.reshape(indices, [k, 1]), tf.ones([k]), [x.size]), x.shape);
  });
}

const EPS = 1e-8;

/** Parameters of `CrossEntropyLoss`. */
export const crossEntropyParams: ParamSchema = {
  weight: { default: null, check: numberListOrNull, doc: "per-class weights (one per channel)" },
  ignore_index: { default: 255, check: num({ integer: true }), doc: "label value to ignore" },
  top_k_percent_pixels: {
    default: 1.0,
    check: num({ min: 0, max: 1 }),
    doc: "fraction of the hardest pixels to average (1 = all)",
  },
  avg_non_ignore: { default: true, check: bool, doc: "average over non-ignored pixels (else over all)" },
  data_format: { default: "NHWC", check: oneOf("NHWC", "NCHW"), doc: "layout of the logits (seglab: NHWC)" },
};

/** Options of {@linkcode crossEntropy}, PaddleSeg's names. */
export interface CrossEntropyOptions {
  weight?: number[] | null;
  ignore_index?: number;
  top_k_percent_pixels?: number;
  avg_non_ignore?: boolean;
  data_format?: "NHWC" | "NCHW";
}

/** Per-pixel weights `w[label]` (1 without weights), 0 at ignored pixels' label slot handled by caller. */
export function classWeights(weight: number[] | null, lab: tf.Tensor, valid: tf.Tensor): tf.Tensor {
  if (!weight) return tf.onesLike(valid);
  const idx = tf.where(tf.cast(valid, "bool"), lab, tf.zerosLike(lab));
  return tf.gather(tf.tensor1d(weight, "float32"), idx);
}

/** Checks that `weight` has one entry per class. */
export function checkWeightLength(who: string, weight: number[] | null, c: number): void {
  if (weight && weight.length !== c) {
    throw new LossError(
      `${who}.weight: has ${weight.length} entries but the logits have ${c} classes; ` +
        `give one weight per class`,
    );
  }
}

/** Per-pixel cross entropy `−log softmax(x)[y]` `[N,H,W]`, 0 at ignored pixels. */
export function pixelCrossEntropy(x: tf.Tensor4D, lab: tf.Tensor3D, valid: tf.Tensor): tf.Tensor3D {
  const c = x.shape[3];
  const logp = tf.logSoftmax(x);
  const oh = tf.oneHot(tf.where(tf.cast(valid, "bool"), lab, tf.zerosLike(lab)), c);
  return tf.mul(tf.neg(tf.sum(tf.mul(logp, oh), -1)), valid) as tf.Tensor3D;
}

/** The cross-entropy loss of NHWC (or NCHW, by `data_format`) logits against NHW labels. */
export function crossEntropy(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  opts: CrossEntropyOptions = {},
): tf.Scalar {
  const who = "CrossEntropyLoss";
  const weight = opts.weight ?? null, ignoreIndex = opts.ignore_index ?? 255;
  const topK = opts.top_k_percent_pixels ?? 1, avgNonIgnore = opts.avg_non_ignore ?? true;
  return tf.tidy(() => {
    const x = (opts.data_format === "NCHW" && logits.rank === 4
      ? tf.transpose(logits, [0, 2, 3, 1])
      : logits) as tf.Tensor4D;
    const lab = validateInputs(who, x, labels, { ignoreIndex });
    checkWeightLength(who, weight, x.shape[3]);
    const valid = tf.cast(tf.notEqual(lab, ignoreIndex), "float32");
    const ce = tf.mul(pixelCrossEntropy(x, lab, valid), classWeights(weight, lab, valid));
    const mask = avgNonIgnore ? valid : tf.onesLike(valid);
    const coef = avgNonIgnore && weight ? classWeights(weight, lab, valid) : tf.onesLike(valid);
    const loss = tf.mul(ce, mask);
    if (topK === 1) {
      return tf.div(tf.mean(loss), tf.add(tf.mean(tf.mul(mask, coef)), EPS)) as tf.Scalar;
    }
    const numel = loss.size;
    const k = Math.floor(topK * numel);
    if (k === 0) {
      throw new LossError(`${who}.top_k_percent_pixels: ${topK} of ${numel} pixels selects none; raise it`);
    }
    let selT: tf.Tensor;
    if (syncReadsWork()) {
      const order = argsortDescending(Float32Array.from(loss.dataSync() as Float32Array));
      const sel = new Float32Array(numel);
      for (let i = 0; i < k; i++) {
        sel[order[i]] = 1;
      }
      selT = tf.tensor(sel, loss.shape, "float32");
    } else {
      // On the device: the same selection with topk, recorded as a constant for the tape.
      selT = withoutGradient((l) =>
        topMask(l, k)
      )(loss);
    }
    return tf.div(
      tf.div(tf.sum(tf.mul(loss, selT)), k),
      tf.add(tf.div(tf.sum(tf.mul(coef, selT)), k), EPS),
    ) as tf.Scalar;
  });
}

/** Builds the loss from resolved parameters. */
export function buildCrossEntropy(p: Record<string, unknown>) {
  return (logits: tf.Tensor4D, labels: tf.Tensor3D) => crossEntropy(logits, labels, p as CrossEntropyOptions);
}
