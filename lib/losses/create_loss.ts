/**
 * `createLoss(spec)`: builds a loss from PaddleSeg's YAML form, `{ type, ...params }`. Every
 * parameter PaddleSeg's constructor takes is accepted under PaddleSeg's name; an unknown type
 * lists the known ones, an unknown parameter names itself and the accepted ones.
 *
 * @example
 * ```ts
 * import { createLoss } from "seglab";
 * const ce = createLoss({ type: "CrossEntropyLoss", weight: [1, 3], avg_non_ignore: true });
 * String(ce); // 'CrossEntropyLoss(weight=[1,3], ignore_index=255, …)'
 * ```
 * @module
 */
import type { tf } from "../core/tf.ts";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { LossError } from "./errors.ts";
import { type ParamSchema, resolveParams } from "./params.ts";
import { describeLoss, lossTableBundle } from "./describe.ts";
import type { Loss, LossExtras, LossSpec, LossType } from "./types.ts";
import { buildLovaszSoftmax, lovaszSoftmaxParams } from "./lovasz_softmax.ts";
import { buildLovaszHinge, lovaszHingeParams } from "./lovasz_hinge.ts";
import { buildCrossEntropy, crossEntropyParams } from "./cross_entropy.ts";
import { bceParams, buildBce } from "./bce.ts";
import { buildDice, diceParams } from "./dice.ts";
import { buildFocal, buildMultiClassFocal, focalParams, multiClassFocalParams } from "./focal.ts";
import { buildOhem, ohemParams } from "./ohem_cross_entropy.ts";
import { checkCoef, mixedLoss } from "./mixed_loss.ts";

type LossFn = (logits: tf.Tensor4D, labels: tf.Tensor3D, extras?: LossExtras) => tf.Scalar;

interface LossDefinition {
  params: ParamSchema;
  build: (params: Record<string, unknown>) => LossFn;
  /** One line for help texts. */
  doc: string;
}

const DEFINITIONS: Record<Exclude<LossType, "MixedLoss">, LossDefinition> = {
  CrossEntropyLoss: { params: crossEntropyParams, build: buildCrossEntropy, doc: "softmax cross entropy" },
  LovaszSoftmaxLoss: {
    params: lovaszSoftmaxParams,
    build: buildLovaszSoftmax,
    doc: "Lovász-Softmax (mIoU surrogate)",
  },
  LovaszHingeLoss: {
    params: lovaszHingeParams,
    build: buildLovaszHinge,
    doc: "binary Lovász hinge (IoU surrogate)",
  },
  BCELoss: { params: bceParams, build: buildBce, doc: "binary cross entropy with logits" },
  DiceLoss: { params: diceParams, build: buildDice, doc: "soft Dice" },
  FocalLoss: { params: focalParams, build: buildFocal, doc: "binary sigmoid focal loss" },
  MultiClassFocalLoss: {
    params: multiClassFocalParams,
    build: buildMultiClassFocal,
    doc: "multi-class focal loss",
  },
  OhemCrossEntropyLoss: { params: ohemParams, build: buildOhem, doc: "cross entropy on hard pixels (OHEM)" },
};

/** Every loss type `createLoss` knows, MixedLoss included. */
export const LOSS_TYPES: readonly string[] = [...Object.keys(DEFINITIONS), "MixedLoss"];

/** The parameter names (with defaults) of a loss type. */
export function lossParams(type: string): Record<string, unknown> {
  if (type === "MixedLoss") return { losses: [], coef: [] };
  const def = (DEFINITIONS as Record<string, LossDefinition | undefined>)[type];
  if (!def) throw unknownType(type, "lossParams");
  return Object.fromEntries(Object.entries(def.params).map(([k, p]) => [k, p.default]));
}

function unknownType(type: unknown, where: string): LossError {
  return new LossError(
    `${where}: unknown loss type ${JSON.stringify(type)}; known types: ${LOSS_TYPES.join(", ")}`,
  );
}

/** True for an already built loss. */
export function isLoss(x: unknown): x is Loss {
  return typeof x === "object" && x !== null && typeof (x as Loss).compute === "function" &&
    typeof (x as Loss).terms === "function" && typeof (x as Loss).type === "string";
}

/** Builds a loss from its spec (or returns a built loss as is). `path` names it in errors. */
export function createLoss(spec: LossSpec | Loss, path = "loss"): Loss {
  if (isLoss(spec)) return spec;
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new LossError(
      `${path}: expected a loss like { type: "CrossEntropyLoss" }, got ${JSON.stringify(spec)}`,
    );
  }
  const type = spec.type;
  if (typeof type !== "string") {
    throw new LossError(`${path}: missing "type"; known types: ${LOSS_TYPES.join(", ")}`);
  }
  if (type === "MixedLoss") {
    for (const k of Object.keys(spec)) {
      if (k !== "type" && k !== "losses" && k !== "coef") {
        throw new LossError(`MixedLoss: unknown parameter "${k}"; MixedLoss takes losses, coef`);
      }
    }
    if (!Array.isArray(spec.losses)) {
      throw new LossError(`${path}.losses: expected a list of losses, got ${JSON.stringify(spec.losses)}`);
    }
    const coef = checkCoef(spec.coef, `${path}.coef`);
    const losses = (spec.losses as (LossSpec | Loss)[]).map((s, j) => createLoss(s, `${path}.losses[${j}]`));
    return mixedLoss(losses, coef);
  }
  const def = (DEFINITIONS as Record<string, LossDefinition | undefined>)[type];
  if (!def) throw unknownType(type, path);
  const params = Object.freeze(resolveParams(type, spec, def.params));
  const fn = def.build(params);
  const text = describeLoss(type, params);
  return {
    type,
    params,
    compute: (logits, labels, extras) => fn(logits, labels, extras),
    terms: (logits, labels, extras) => [{ name: type, value: fn(logits, labels, extras) }],
    toString: () => text,
    [DISPLAY]: (): MimeBundle => lossTableBundle(type, [{ term: type, weight: 1, definition: text }]),
  } as Loss;
}
