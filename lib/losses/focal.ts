/**
 * `FocalLoss` (binary, PaddleSeg's): sigmoid focal loss on 2-channel logits against one-hot
 * targets, `α_t (1 − p_t)^γ · BCE`, summed over valid pixels and divided by twice their count.
 * `MultiClassFocalLoss`: `α (1 − p_t)^γ · CE`, averaged over non-ignored pixels.
 * @module
 */
import { tf } from "../core/tf.ts";
import { LossError } from "./errors.ts";
import { either, isNull, num, type ParamSchema } from "./params.ts";
import { validateInputs } from "./validate.ts";
import { pixelCrossEntropy } from "./cross_entropy.ts";

const EPS = 1e-10;

/** Parameters of `FocalLoss`. */
export const focalParams: ParamSchema = {
  alpha: { default: 0.25, check: num({ min: 0, max: 1 }), doc: "weight of class 1 (class 0 gets 1 − alpha)" },
  gamma: { default: 2.0, check: num({ min: 0 }), doc: "focusing exponent" },
  ignore_index: { default: 255, check: num({ integer: true }), doc: "label value to ignore" },
};

/** Parameters of `MultiClassFocalLoss`. */
export const multiClassFocalParams: ParamSchema = {
  num_class: {
    default: null,
    check: either(num({ integer: true, min: 2 }), isNull, "an integer ≥ 2 or null"),
    doc: "number of classes (checked against the logits; null: taken from them)",
  },
  alpha: { default: 1.0, check: num({ min: 0 }), doc: "overall weight" },
  gamma: { default: 2.0, check: num({ min: 0 }), doc: "focusing exponent" },
  ignore_index: { default: 255, check: num({ integer: true }), doc: "label value to ignore" },
};

/** Binary focal loss of 2-channel NHWC logits against 0/1 labels. */
export function focal(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  opts: { alpha?: number; gamma?: number; ignore_index?: number } = {},
): tf.Scalar {
  const who = "FocalLoss";
  const alpha = opts.alpha ?? 0.25, gamma = opts.gamma ?? 2, ignoreIndex = opts.ignore_index ?? 255;
  return tf.tidy(() => {
    if (logits.rank === 4 && logits.shape[3] !== 2) {
      throw new LossError(
        `${who}: needs 2-channel logits (binary), got ${logits.shape[3]} channels; ` +
          `use MultiClassFocalLoss for more classes`,
      );
    }
    const lab = validateInputs(who, logits, labels, { ignoreIndex });
    const valid = tf.cast(tf.notEqual(lab, ignoreIndex), "float32");
    const y = tf.oneHot(tf.where(tf.cast(valid, "bool"), lab, tf.zerosLike(lab)), 2).cast("float32");
    const p = tf.sigmoid(logits);
    const bceEl = tf.sub(tf.softplus(logits), tf.mul(logits, y));
    const pt = tf.add(tf.mul(p, y), tf.mul(tf.sub(1, p), tf.sub(1, y)));
    const alphaT = tf.add(tf.mul(y, alpha), tf.mul(tf.sub(1, y), 1 - alpha));
    const loss = tf.mul(tf.mul(alphaT, tf.pow(tf.sub(1, pt), gamma)), bceEl);
    const masked = tf.mul(loss, tf.expandDims(valid, -1));
    return tf.div(tf.sum(masked), tf.add(tf.mul(tf.sum(valid), 2), EPS)) as tf.Scalar;
  });
}

/** Multi-class focal loss of NHWC logits against NHW labels. */
export function multiClassFocal(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  opts: { num_class?: number | null; alpha?: number; gamma?: number; ignore_index?: number } = {},
): tf.Scalar {
  const who = "MultiClassFocalLoss";
  const alpha = opts.alpha ?? 1, gamma = opts.gamma ?? 2, ignoreIndex = opts.ignore_index ?? 255;
  return tf.tidy(() => {
    const lab = validateInputs(who, logits, labels, { ignoreIndex });
    if (opts.num_class != null && opts.num_class !== logits.shape[3]) {
      throw new LossError(
        `${who}.num_class: is ${opts.num_class} but the logits have ${logits.shape[3]} channels`,
      );
    }
    const valid = tf.cast(tf.notEqual(lab, ignoreIndex), "float32");
    const ce = pixelCrossEntropy(logits, lab, valid);
    const pt = tf.exp(tf.neg(ce));
    const loss = tf.mul(tf.mul(tf.pow(tf.sub(1, pt), gamma), ce), alpha);
    return tf.div(tf.mean(tf.mul(loss, valid)), tf.add(tf.mean(valid), EPS)) as tf.Scalar;
  });
}

/** Builders from resolved parameters. */
export function buildFocal(p: Record<string, unknown>) {
  return (logits: tf.Tensor4D, labels: tf.Tensor3D) => focal(logits, labels, p);
}
export function buildMultiClassFocal(p: Record<string, unknown>) {
  return (logits: tf.Tensor4D, labels: tf.Tensor3D) =>
    multiClassFocal(logits, labels, p as { num_class?: number | null });
}
