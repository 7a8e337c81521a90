/** Types shared by every loss. Layout: logits NHWC float32 `[N,H,W,C]`, labels int32 `[N,H,W]`. */
import type { tf } from "../core/tf.ts";

/** The loss types `createLoss` builds, by PaddleSeg name. */
export type LossType =
  | "CrossEntropyLoss"
  | "LovaszSoftmaxLoss"
  | "LovaszHingeLoss"
  | "BCELoss"
  | "DiceLoss"
  | "FocalLoss"
  | "MultiClassFocalLoss"
  | "OhemCrossEntropyLoss"
  | "MixedLoss";

/**
 * A loss as PaddleSeg's YAML writes it: `{ type: "LovaszSoftmaxLoss", classes: "present" }`.
 * `type` is typed with the known names so editors complete them; any string is accepted here
 * (YAML gives strings) and checked when the loss is built.
 */
export interface LossSpec {
  // deno-lint-ignore ban-types -- `string & {}` keeps the literal completions of the union
  type: LossType | (string & {});
  /** MixedLoss: the losses it blends. */
  losses?: (LossSpec | Loss)[];
  [param: string]: unknown;
}

/** One named part of a loss, already weighted (PaddleSeg's `loss_list` entries). */
export interface LossTerm {
  name: string;
  value: tf.Scalar;
}

/** Inputs some losses need besides labels. */
export interface LossExtras {
  /** Binary edge labels `[N,H,W]`, for `BCELoss` with `edge_label: true`. */
  edges?: tf.Tensor3D;
}

/** A built loss. */
export interface Loss {
  /** PaddleSeg's type name. */
  readonly type: string;
  /** The parameters in force, defaults filled in. */
  readonly params: Readonly<Record<string, unknown>>;
  /** The scalar loss; differentiable with respect to `logits`. */
  compute(logits: tf.Tensor4D, labels: tf.Tensor3D, extras?: LossExtras): tf.Scalar;
  /** The loss as named, weighted terms whose sum is `compute`'s value. */
  terms(logits: tf.Tensor4D, labels: tf.Tensor3D, extras?: LossExtras): LossTerm[];
}
