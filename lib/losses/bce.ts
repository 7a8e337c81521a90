/**
 * `BCELoss`: binary cross entropy with logits, PaddleSeg's semantics. 1-channel logits take 0/1
 * labels; C-channel logits take class ids, one-hot encoded. `weight` and `pos_weight` may be
 * `"dynamic"` (class-balancing weights computed from the batch). `edge_label: true` makes the
 * loss read edge labels (`extras.edges`) instead of the segmentation labels, as PaddleSeg's
 * train loop does.
 * @module
 */
import { tf } from "../core/tf.ts";
import { LossError } from "./errors.ts";
import {
  bool,
  type Check,
  either,
  isNull,
  num,
  numberListOrNull,
  oneOf,
  type ParamSchema,
} from "./params.ts";
import { validateInputs } from "./validate.ts";
import type { LossExtras } from "./types.ts";

const EPS = 1e-10;

const weightCheck: Check<"dynamic" | number[] | null> = either(
  oneOf("dynamic"),
  numberListOrNull,
  '"dynamic", a list of per-channel weights, or null',
);
const posWeightCheck: Check<"dynamic" | number | null> = either(
  either(oneOf("dynamic"), num({ min: 0 }), '"dynamic" or a number'),
  isNull,
  '"dynamic", a non-negative number, or null',
);

/** Parameters of `BCELoss`. */
export const bceParams: ParamSchema = {
  weight: { default: null, check: weightCheck, doc: '"dynamic", per-channel weights, or null' },
  pos_weight: { default: null, check: posWeightCheck, doc: '"dynamic", a number, or null' },
  ignore_index: { default: 255, check: num({ integer: true }), doc: "label value to ignore" },
  edge_label: { default: false, check: bool, doc: "compute on edge labels (extras.edges) instead of labels" },
};

/** Options of {@linkcode bce}, PaddleSeg's names. */
export interface BceOptions {
  weight?: "dynamic" | number[] | null;
  pos_weight?: "dynamic" | number | null;
  ignore_index?: number;
  edge_label?: boolean;
}

/** Binary cross entropy of NHWC logits against NHW labels (or edges). */
export function bce(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  opts: BceOptions = {},
  extras?: LossExtras,
): tf.Scalar {
  const who = "BCELoss";
  const ignoreIndex = opts.ignore_index ?? 255;
  let target: tf.Tensor3D = labels;
  if (opts.edge_label) {
    if (!extras?.edges) {
      throw new LossError(
        `${who}: edge_label is true but no edge labels were given; pass extras.edges ` +
          `(datasets built with edge: true provide them)`,
      );
    }
    target = extras.edges;
  }
  return tf.tidy(() => {
    const c = logits.rank === 4 ? logits.shape[3] : 1;
    const lab = validateInputs(who, logits, target, {
      ignoreIndex,
      numClasses: Math.max(c, 2),
      what: opts.edge_label ? "edges" : "labels",
    });
    const valid = tf.cast(tf.notEqual(lab, ignoreIndex), "float32");
    const clean = tf.where(tf.cast(valid, "bool"), lab, tf.zerosLike(lab));
    const y = c === 1 ? tf.expandDims(tf.cast(clean, "float32"), -1) : tf.oneHot(clean, c).cast("float32");
    const mask = tf.expandDims(valid, -1);
    const countPosNeg = () => {
      const pos = tf.sum(tf.cast(tf.equal(y, 1), "float32"));
      const neg = tf.sum(tf.cast(tf.equal(y, 0), "float32"));
      const all = tf.add(tf.add(pos, neg), EPS);
      return { pos, neg, all };
    };
    let pw: tf.Tensor | number | null = null;
    if (opts.pos_weight === "dynamic") {
      const { neg, all } = countPosNeg();
      pw = tf.div(tf.mul(neg, 2), all);
    } else if (typeof opts.pos_weight === "number") {
      pw = opts.pos_weight;
    }
    const posTerm = tf.mul(y, tf.softplus(tf.neg(logits)));
    const negTerm = tf.mul(tf.sub(1, y), tf.softplus(logits));
    let loss = tf.add(pw === null ? posTerm : tf.mul(posTerm, pw), negTerm);
    if (opts.weight === "dynamic") {
      const { pos, neg, all } = countPosNeg();
      const wPos = tf.div(tf.mul(neg, 2), all), wNeg = tf.div(tf.mul(pos, 2), all);
      loss = tf.mul(loss, tf.add(tf.mul(y, wPos), tf.mul(tf.sub(1, y), wNeg)));
    } else if (Array.isArray(opts.weight)) {
      if (opts.weight.length !== c) {
        throw new LossError(
          `${who}.weight: has ${opts.weight.length} entries but the logits have ${c} channels`,
        );
      }
      loss = tf.mul(loss, tf.tensor1d(opts.weight, "float32"));
    }
    return tf.div(tf.mean(tf.mul(loss, mask)), tf.add(tf.mean(mask), EPS)) as tf.Scalar;
  });
}

/** Builds the loss from resolved parameters. */
export function buildBce(p: Record<string, unknown>) {
  return (logits: tf.Tensor4D, labels: tf.Tensor3D, extras?: LossExtras) =>
    bce(logits, labels, p as BceOptions, extras);
}
