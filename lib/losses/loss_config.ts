/**
 * `createLossConfig({ types, coef })`: PaddleSeg's `loss:` section. One entry of `types` per
 * model output (PaddleSeg's order, e.g. OCRNet's `[main, aux]`), weighted by `coef`. A single
 * type is repeated to match `coef`, as PaddleSeg's config checker does; any other length
 * mismatch, or a number of model outputs different from `types`, is an error naming both numbers.
 *
 * `terms` follows PaddleSeg's train loop: output `i` contributes `coef[i] · L_i`, and a
 * `MixedLoss` contributes `coef[i] · coef_ij · L_ij` for each of its parts, named
 * `out{i}.{Type}`. `compute` is their sum.
 *
 * @example
 * ```ts
 * import { createLossConfig } from "seglab";
 * const loss = createLossConfig({
 *   types: [{ type: "MixedLoss", losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszSoftmaxLoss" }], coef: [0.8, 0.2] }],
 *   coef: [1, 0.4],                     // OCRNet: main and auxiliary outputs
 * });
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { LossError } from "./errors.ts";
import { createLoss } from "./create_loss.ts";
import { checkCoef, uniqueNames } from "./mixed_loss.ts";
import { lossTableBundle } from "./describe.ts";
import type { Loss, LossExtras, LossSpec, LossTerm } from "./types.ts";

/** The `loss:` section as written in YAML (or with built losses). */
export interface LossSection {
  types: (LossSpec | Loss)[];
  coef: number[];
}

/** A built `loss:` section. */
export interface LossConfig {
  /** One loss per model output (after repeating a single type). */
  readonly types: readonly Loss[];
  readonly coef: readonly number[];
  /** The total loss over all outputs. */
  compute(outputs: tf.Tensor4D[], labels: tf.Tensor3D, extras?: LossExtras): tf.Scalar;
  /** PaddleSeg's flat `loss_list`, named `out{i}.{Type}`. */
  terms(outputs: tf.Tensor4D[], labels: tf.Tensor3D, extras?: LossExtras): LossTerm[];
}

/** Builds PaddleSeg's `loss:` section. `path` names it in errors (default `"loss"`). */
export function createLossConfig(section: LossSection, path = "loss"): LossConfig {
  if (typeof section !== "object" || section === null || !("types" in section) || !("coef" in section)) {
    throw new LossError(
      `${path}: needs the keys "types" and "coef" (got ${
        section && typeof section === "object"
          ? Object.keys(section).join(", ") || "nothing"
          : JSON.stringify(section)
      })`,
    );
  }
  const extra = Object.keys(section).filter((k) => k !== "types" && k !== "coef");
  if (extra.length) {
    throw new LossError(`${path}: unknown key "${extra[0]}"; the loss section takes types, coef`);
  }
  if (!Array.isArray(section.types) || section.types.length === 0) {
    throw new LossError(
      `${path}.types: expected a non-empty list of losses, got ${JSON.stringify(section.types)}`,
    );
  }
  const coef = checkCoef(section.coef, `${path}.coef`);
  if (coef.length === 0) throw new LossError(`${path}.coef: is empty; give one weight per model output`);
  let specs = section.types;
  if (specs.length !== coef.length) {
    if (specs.length !== 1) {
      throw new LossError(
        `${path}: types has ${specs.length} entries and coef has ${coef.length}; they must be ` +
          `equal (one loss and one weight per model output), or types must have exactly 1 entry, repeated for each coef`,
      );
    }
    specs = coef.map(() => specs[0]);
  }
  const types = specs.map((s, i) => createLoss(s, `${path}.types[${i}]`));

  const checkOutputs = (outputs: tf.Tensor4D[]) => {
    if (!Array.isArray(outputs)) {
      throw new LossError(
        `${path}: expected the model's outputs as a list of tensors, got ${typeof outputs}`,
      );
    }
    if (outputs.length !== types.length) {
      throw new LossError(
        `${path}: the model gave ${outputs.length} output${outputs.length === 1 ? "" : "s"} but ` +
          `loss.types has ${types.length} entr${
            types.length === 1 ? "y" : "ies"
          }; give one loss type per model output ` +
          `(PaddleSeg's order, e.g. OCRNet's [main, aux] in training)`,
      );
    }
  };

  const terms = (outputs: tf.Tensor4D[], labels: tf.Tensor3D, extras?: LossExtras): LossTerm[] => {
    checkOutputs(outputs);
    const raw: LossTerm[] = [];
    types.forEach((loss, i) => {
      for (const t of loss.terms(outputs[i], labels, extras)) {
        const value = tf.tidy(() => tf.mul(t.value, coef[i]) as tf.Scalar);
        t.value.dispose();
        raw.push({ name: `out${i}.${t.name}`, value });
      }
    });
    const names = uniqueNames(raw.map((t) => t.name));
    return raw.map((t, i) => ({ name: names[i], value: t.value }));
  };

  return {
    types,
    coef,
    terms,
    compute(outputs, labels, extras) {
      return tf.tidy(() => {
        const ts = terms(outputs, labels, extras);
        return (ts.length === 1 ? ts[0].value : tf.addN(ts.map((t) => t.value))) as tf.Scalar;
      });
    },
    toString: () => `LossConfig(${types.map((l, i) => `out${i}: ${coef[i]} × ${l}`).join("; ")})`,
    [DISPLAY](): MimeBundle {
      return lossTableBundle(
        "loss (one entry per model output)",
        types.map((l, i) => ({ term: `out${i}.${l.type}`, weight: coef[i], definition: String(l) })),
      );
    },
  } as LossConfig;
}
