/**
 * `MixedLoss`: a weighted blend of losses evaluated on the same logits and labels. `compute`
 * returns `Σ coef_j · L_j`; `terms` returns PaddleSeg's list `[coef_j · L_j]`, each named by its
 * loss type (repeated types get `#2`, `#3`, …).
 *
 * @example
 * ```ts
 * import { createLoss } from "seglab";
 * const mixed = createLoss({
 *   type: "MixedLoss",
 *   losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszSoftmaxLoss" }],
 *   coef: [0.8, 0.2],
 * });
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { LossError } from "./errors.ts";
import { lossTableBundle } from "./describe.ts";
import type { Loss, LossExtras, LossTerm } from "./types.ts";

/** Checks a coefficient list: an array of finite numbers; `path` names it in errors. */
export function checkCoef(coef: unknown, path: string): number[] {
  if (!Array.isArray(coef)) {
    throw new LossError(`${path}: expected a list of numbers, got ${JSON.stringify(coef)}`);
  }
  return coef.map((c, i) => {
    if (typeof c !== "number" || !Number.isFinite(c)) {
      throw new LossError(`${path}[${i}]: expected a number, got ${JSON.stringify(c)}`);
    }
    return c;
  });
}

/** Unique term names: `A`, `B`, `A#2`. */
export function uniqueNames(names: string[]): string[] {
  const seen = new Map<string, number>();
  return names.map((n) => {
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return k === 1 ? n : `${n}#${k}`;
  });
}

/** Blends built `losses` with weights `coef` (same length). */
export function mixedLoss(losses: Loss[], coef: number[]): Loss {
  if (losses.length !== coef.length) {
    throw new LossError(
      `MixedLoss: losses has ${losses.length} entries but coef has ${coef.length}; ` +
        `give one coef per loss`,
    );
  }
  if (losses.length === 0) throw new LossError("MixedLoss: losses is empty; give at least one loss");
  const params = { losses, coef };
  const terms = (logits: tf.Tensor4D, labels: tf.Tensor3D, extras?: LossExtras): LossTerm[] => {
    const raw: LossTerm[] = [];
    losses.forEach((loss, j) => {
      for (const t of loss.terms(logits, labels, extras)) {
        const value = tf.tidy(() => tf.mul(t.value, coef[j]) as tf.Scalar);
        t.value.dispose();
        raw.push({ name: t.name, value });
      }
    });
    const names = uniqueNames(raw.map((t) => t.name));
    return raw.map((t, i) => ({ name: names[i], value: t.value }));
  };
  const text = `MixedLoss(${losses.map((l, j) => `${coef[j]} × ${l}`).join(" + ")})`;
  return {
    type: "MixedLoss",
    params,
    terms,
    compute(logits, labels, extras) {
      return tf.tidy(() => {
        const ts = terms(logits, labels, extras);
        return (ts.length === 1 ? ts[0].value : tf.addN(ts.map((t) => t.value))) as tf.Scalar;
      });
    },
    toString: () => text,
    [DISPLAY](): MimeBundle {
      const names = uniqueNames(losses.map((l) => l.type));
      return lossTableBundle(
        "MixedLoss",
        losses.map((l, j) => ({ term: names[j], weight: coef[j], definition: String(l) })),
      );
    },
  } as Loss;
}
