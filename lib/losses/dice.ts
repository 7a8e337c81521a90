/**
 * `DiceLoss`, PaddleSeg's current form: softmax probabilities against one-hot labels, ignored
 * pixels masked out of both; per class and per image `1 − (2·I + smooth) / (|p| + |g| + smooth + 1e-8)`,
 * averaged over images, optionally weighted per class, summed and divided by the class count.
 * Unlike PaddleSeg, labels are never modified in place, so a later loss in a `MixedLoss` still
 * sees the ignored pixels as ignored.
 * @module
 */
import { tf } from "../core/tf.ts";
import { num, numberListOrNull, type ParamSchema } from "./params.ts";
import { validateInputs } from "./validate.ts";
import { checkWeightLength } from "./cross_entropy.ts";

const EPS = 1e-8;

/** Parameters of `DiceLoss`. */
export const diceParams: ParamSchema = {
  weight: { default: null, check: numberListOrNull, doc: "per-class weights" },
  ignore_index: { default: 255, check: num({ integer: true }), doc: "label value to ignore" },
  smooth: { default: 1.0, check: num({ min: 0 }), doc: "Laplace smoothing" },
};

/** Options of {@linkcode dice}. */
export interface DiceOptions {
  weight?: number[] | null;
  ignore_index?: number;
  smooth?: number;
}

/** The Dice loss of NHWC logits against NHW labels. */
export function dice(logits: tf.Tensor4D, labels: tf.Tensor3D, opts: DiceOptions = {}): tf.Scalar {
  const who = "DiceLoss";
  const ignoreIndex = opts.ignore_index ?? 255, smooth = opts.smooth ?? 1, weight = opts.weight ?? null;
  return tf.tidy(() => {
    const lab = validateInputs(who, logits, labels, { ignoreIndex });
    const c = logits.shape[3];
    checkWeightLength(who, weight, c);
    const valid = tf.cast(tf.notEqual(lab, ignoreIndex), "float32");
    const mask = tf.expandDims(valid, -1);
    const g = tf.mul(tf.oneHot(tf.where(tf.cast(valid, "bool"), lab, tf.zerosLike(lab)), c), mask);
    const p = tf.mul(tf.softmax(logits), mask);
    const inter = tf.sum(tf.mul(p, g), [1, 2]); // [N,C]
    const card = tf.sum(tf.add(p, g), [1, 2]);
    const perClass = tf.mean(
      tf.sub(1, tf.div(tf.add(tf.mul(inter, 2), smooth), tf.add(card, smooth + EPS))),
      0,
    );
    const weighted = weight ? tf.mul(perClass, tf.tensor1d(weight, "float32")) : perClass;
    return tf.div(tf.sum(weighted), c) as tf.Scalar;
  });
}

/** Builds the loss from resolved parameters. */
export function buildDice(p: Record<string, unknown>) {
  return (logits: tf.Tensor4D, labels: tf.Tensor3D) => dice(logits, labels, p as DiceOptions);
}
