/**
 * `OhemCrossEntropyLoss`: online hard example mining. When more than `min_kept` pixels are
 * valid, keep only those whose true-class probability is below `thresh` — raised to the
 * `min_kept`-th smallest true-class probability when that is larger, so at least `min_kept`
 * pixels stay — and average their cross entropy (PaddleSeg's semantics, EPS 1e-5). The kept set
 * is chosen in JavaScript (a constant mask), so no sort or gather gradient is needed; on `webgpu`
 * the same mask is computed on the device (no read back) and recorded as a constant.
 * @module
 */
import { tf } from "../core/tf.ts";
import { num, numberListOrNull, type ParamSchema } from "./params.ts";
import { validateInputs } from "./validate.ts";
import { syncReadsWork } from "../backend/read.ts";
import { withoutGradient } from "./no_grad.ts";
import { checkWeightLength, classWeights, pixelCrossEntropy } from "./cross_entropy.ts";

const EPS = 1e-5;

/** Parameters of `OhemCrossEntropyLoss`. */
export const ohemParams: ParamSchema = {
  thresh: {
    default: 0.7,
    check: num({ min: 0, max: 1 }),
    doc: "keep pixels whose true-class probability is below this",
  },
  min_kept: { default: 10000, check: num({ integer: true, min: 0 }), doc: "keep at least this many pixels" },
  ignore_index: { default: 255, check: num({ integer: true }), doc: "label value to ignore" },
  weight: { default: null, check: numberListOrNull, doc: "per-class weights" },
};

/** Options of {@linkcode ohemCrossEntropy}. */
export interface OhemOptions {
  thresh?: number;
  min_kept?: number;
  ignore_index?: number;
  weight?: number[] | null;
}

/** The OHEM cross entropy of NHWC logits against NHW labels. */
export function ohemCrossEntropy(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  opts: OhemOptions = {},
): tf.Scalar {
  const who = "OhemCrossEntropyLoss";
  const thresh = opts.thresh ?? 0.7, minKept = opts.min_kept ?? 10000, ignoreIndex = opts.ignore_index ?? 255;
  const weight = opts.weight ?? null;
  return tf.tidy(() => {
    const lab = validateInputs(who, logits, labels, { ignoreIndex });
    const c = logits.shape[3];
    checkWeightLength(who, weight, c);
    if (!syncReadsWork()) {
      const valid = withoutGradient((x) => ohemKeepOnDevice(x, lab, thresh, minKept, ignoreIndex))(logits);
      const ce = tf.mul(pixelCrossEntropy(logits, lab, valid), classWeights(weight, lab, valid));
      return tf.div(tf.mean(ce), tf.add(tf.mean(valid), EPS)) as tf.Scalar;
    }
    const labData = lab.dataSync();
    const m = labData.length;
    const keep = new Float32Array(m);
    let numValid = 0;
    for (let i = 0; i < m; i++) if (labData[i] !== ignoreIndex) keep[i] = 1, numValid++;
    if (minKept < numValid && numValid > 0) {
      const probs = tf.tidy(() => tf.softmax(logits)).dataSync() as Float32Array;
      const pTrue = new Float32Array(m);
      for (let i = 0; i < m; i++) pTrue[i] = keep[i] ? probs[i * c + labData[i]] : 1 + probs[i * c];
      let threshold = thresh;
      if (minKept > 0) {
        const sorted = Float32Array.from(pTrue).sort();
        const kth = sorted[Math.min(m, minKept) - 1];
        if (kth > thresh) threshold = kth;
      }
      for (let i = 0; i < m; i++) if (!(pTrue[i] < threshold)) keep[i] = 0;
    }
    const valid = tf.tensor(keep, lab.shape, "float32");
    const ce = tf.mul(pixelCrossEntropy(logits, lab, valid), classWeights(weight, lab, valid));
    return tf.div(tf.mean(ce), tf.add(tf.mean(valid), EPS)) as tf.Scalar;
  });
}

/**
 * The pixels OHEM keeps, computed on the device: valid pixels whose true-class probability is
 * below the threshold — `thresh`, raised to the `min_kept`-th smallest probability — when more
 * than `min_kept` pixels are valid; else every valid pixel. Same rule as the typed path.
 */
function ohemKeepOnDevice(
  logits: tf.Tensor,
  lab: tf.Tensor3D,
  thresh: number,
  minKept: number,
  ignoreIndex: number,
): tf.Tensor {
  return tf.tidy(() => {
    const c = logits.shape[3]!;
    const m = lab.size;
    const labFlat = tf.reshape(lab, [m]);
    const validB = tf.notEqual(labFlat, ignoreIndex);
    const valid = tf.cast(validB, "float32");
    const probs = tf.reshape(tf.softmax(logits), [m, c]);
    const clean = tf.where(validB, labFlat, tf.zerosLike(labFlat));
    const pLabel = tf.sum(tf.mul(probs, tf.oneHot(clean, c)), 1);
    const p0 = tf.reshape(tf.slice(probs, [0, 0], [m, 1]), [m]);
    const pTrue = tf.where(validB, pLabel, tf.add(p0, 1));
    let threshold: tf.Tensor = tf.scalar(thresh);
    if (minKept > 0) {
      const kk = Math.min(m, minKept);
      const kth = tf.neg(tf.slice(tf.topk(tf.neg(pTrue), kk, true).values, kk - 1, 1));
      threshold = tf.maximum(threshold, tf.reshape(kth, []));
    }
    const numValid = tf.sum(valid);
    const mine = tf.logicalAnd(tf.greater(numValid, minKept), tf.greater(numValid, 0));
    const kept = tf.mul(valid, tf.cast(tf.less(pTrue, threshold), "float32"));
    return tf.reshape(tf.where(mine, kept, valid), lab.shape);
  });
}

/** Builds the loss from resolved parameters. */
export function buildOhem(p: Record<string, unknown>) {
  return (logits: tf.Tensor4D, labels: tf.Tensor3D) => ohemCrossEntropy(logits, labels, p as OhemOptions);
}
