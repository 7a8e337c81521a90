/**
 * Transforms from PaddleSeg's YAML: `createTransforms([{ type: "ResizeStepScaling", … }, …])`
 * builds the list, checking every name and parameter up front; `applyTransforms` runs it on a
 * sample with a seeded random stream.
 *
 * @example
 * ```ts
 * import { createTransforms } from "./compose.ts";
 * const t = createTransforms([
 *   { type: "ResizeStepScaling", min_scale_factor: 0.5, max_scale_factor: 2.0, scale_step_size: 0.25 },
 *   { type: "RandomPaddingCrop", crop_size: [768, 768] },
 *   { type: "RandomHorizontalFlip" },
 *   { type: "Normalize" },
 * ]);
 * ```
 * @module
 */
import type { Rng } from "../rng.ts";
import { normalize } from "./normalize.ts";
import { TransformError } from "./params.ts";
import { randomDistort } from "./random_distort.ts";
import { randomHorizontalFlip, randomVerticalFlip } from "./random_flip.ts";
import { randomPaddingCrop } from "./random_padding_crop.ts";
import { resize, resizeByLong, resizeByShort } from "./resize.ts";
import { resizeStepScaling } from "./resize_step_scaling.ts";
import type { Transform, TransformContext, WorkSample } from "./sample.ts";

type Factory = (raw: Record<string, unknown>, ctx: TransformContext) => Transform;

/** The transforms seglab knows, by PaddleSeg name. */
export type TransformType =
  | "ResizeStepScaling"
  | "RandomPaddingCrop"
  | "RandomHorizontalFlip"
  | "RandomVerticalFlip"
  | "RandomDistort"
  | "Resize"
  | "ResizeByLong"
  | "ResizeByShort"
  | "Normalize";

/**
 * One transform as PaddleSeg's YAML writes it. `type` is typed with the known names so editors
 * complete them; any string is accepted here and checked when the list is built.
 */
export interface TransformSpec {
  // deno-lint-ignore ban-types -- `string & {}` keeps the literal completions of the union
  type: TransformType | (string & {});
  [param: string]: unknown;
}

/** The transforms seglab knows, by PaddleSeg name. */
export const TRANSFORMS: Readonly<Record<TransformType, Factory>> = {
  ResizeStepScaling: resizeStepScaling,
  RandomPaddingCrop: randomPaddingCrop,
  RandomHorizontalFlip: randomHorizontalFlip,
  RandomVerticalFlip: randomVerticalFlip,
  RandomDistort: randomDistort,
  Resize: resize,
  ResizeByLong: resizeByLong,
  ResizeByShort: resizeByShort,
  Normalize: normalize,
};

/** Builds transforms from their YAML list. */
export function createTransforms(list: readonly TransformSpec[], ctx?: TransformContext): Transform[];
/** Builds transforms from a YAML value (checked: a list of `{ type, … }` mappings). */
export function createTransforms(list: unknown, ctx?: TransformContext): Transform[];
export function createTransforms(list: unknown, ctx: TransformContext = { ignoreIndex: 255 }): Transform[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) {
    throw new TransformError(`transforms must be a list of {type: …} entries, got ${JSON.stringify(list)}`);
  }
  return list.map((raw, i) => {
    if (typeof raw !== "object" || raw === null || typeof (raw as { type?: unknown }).type !== "string") {
      throw new TransformError(
        `transforms[${i}] must be a mapping with a "type", got ${JSON.stringify(raw)}`,
      );
    }
    const type = (raw as { type: string }).type;
    const f = (TRANSFORMS as Record<string, Factory | undefined>)[type];
    if (!f) {
      throw new TransformError(
        `transforms[${i}]: unknown transform "${type}"; known transforms: ${
          Object.keys(TRANSFORMS).join(", ")
        }`,
      );
    }
    return f(raw as Record<string, unknown>, ctx);
  });
}

/** Runs `transforms` in order. */
export function applyTransforms(transforms: readonly Transform[], s: WorkSample, rng: Rng): WorkSample {
  for (const t of transforms) s = t.apply(s, rng);
  return s;
}
