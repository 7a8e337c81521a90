/**
 * `LovaszHingeLoss`: the binary Lovász hinge (Berman et al. 2018) with PaddleSeg's parameters.
 * Takes 1-channel scores, or 2-channel logits turned into one score per pixel.
 *
 * 2-channel logits: PaddleSeg computes `log(p1 + 1e-9 / (1 − p1 + 1e-9))` — an operator-precedence
 * slip for the log-odds, which is ≈ `log p1 ≤ 0`, so positives never reach the margin. seglab
 * uses the true binary margin `l1 − l0` by default; `paddleseg_compat: true` reproduces
 * PaddleSeg's number exactly. More than 2 channels is an error (PaddleSeg silently reads the
 * wrong values). `per_image` is Berman's option (PaddleSeg: whole batch, the default here).
 *
 * @example
 * ```ts
 * import { createLoss } from "seglab";
 * const hinge = createLoss({ type: "LovaszHingeLoss" });              // margin l1 − l0
 * const paddle = createLoss({ type: "LovaszHingeLoss", paddleseg_compat: true });
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { LossError } from "./errors.ts";
import { bool, num, type ParamSchema } from "./params.ts";
import { validateInputs } from "./validate.ts";
import { type HingeTwoChannel, lovaszHingeTyped } from "./lovasz_hinge_typed.ts";
import { lovaszHingeTensor } from "./lovasz_tensor.ts";
import { type LovaszImpl, resolveImpl, typedLovaszOp } from "./lovasz_path.ts";

/** Parameters of `LovaszHingeLoss`. */
export const lovaszHingeParams: ParamSchema = {
  ignore_index: { default: 255, check: num({ integer: true }), doc: "label value to ignore" },
  per_image: { default: false, check: bool, doc: "average per-image losses (Berman's option)" },
  paddleseg_compat: {
    default: false,
    check: bool,
    doc: "2-channel logits: PaddleSeg's log(p1 + eps/(1-p1+eps)) instead of the margin l1-l0",
  },
};

/** Options of {@linkcode lovaszHinge}. */
export interface LovaszHingeOptions {
  perImage?: boolean;
  ignoreIndex?: number;
  twoChannel?: HingeTwoChannel;
  impl?: LovaszImpl;
}

/** The Lovász hinge of NHWC binary `logits` (1 or 2 channels) against 0/1 `labels` (checked). */
export function lovaszHinge(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  opts: LovaszHingeOptions = {},
): tf.Scalar {
  const who = "LovaszHingeLoss";
  const perImage = opts.perImage ?? false, ignoreIndex = opts.ignoreIndex ?? 255;
  const twoChannel = opts.twoChannel ?? "margin";
  return tf.tidy(() => {
    const c = logits.rank === 4 ? logits.shape[3] : 0;
    if (logits.rank === 4 && c > 2) {
      throw new LossError(
        `${who}: logits have ${c} channels; the hinge takes 1-channel scores or 2-channel ` +
          `binary logits. For ${c} classes use LovaszSoftmaxLoss`,
      );
    }
    const lab = validateInputs(who, logits, labels, { ignoreIndex, numClasses: 2 });
    const [n, h, w] = logits.shape;
    if (resolveImpl(opts.impl) === "tensor") {
      return lovaszHingeTensor(logits, lab, { twoChannel, perImage, ignoreIndex });
    }
    const labelData = lab.dataSync();
    return typedLovaszOp(
      logits,
      (data, wantGrad) =>
        lovaszHingeTyped({
          logits: data,
          labels: labelData,
          n,
          hw: h * w,
          c,
          twoChannel,
          perImage,
          ignoreIndex,
          wantGrad,
        }),
    );
  });
}

/** Builds the loss from resolved parameters. */
export function buildLovaszHinge(p: Record<string, unknown>) {
  const opts: LovaszHingeOptions = {
    perImage: p.per_image as boolean,
    ignoreIndex: p.ignore_index as number,
    twoChannel: p.paddleseg_compat ? "paddleseg" : "margin",
  };
  return (logits: tf.Tensor4D, labels: tf.Tensor3D) => lovaszHinge(logits, labels, opts);
}
