/**
 * `createDataset(spec, { baseDir })`: a data set from PaddleSeg's `train_dataset:` /
 * `val_dataset:` mapping. Relative paths resolve against `baseDir` (the config file's folder;
 * default: the working directory).
 *
 * @example
 * ```ts
 * import { createDataset, shippedDataPath } from "seglab/datasets";
 * const ds = await createDataset({
 *   type: "MiniDeepGlobeRoadExtraction",
 *   dataset_root: shippedDataPath("synthetic-roads"),
 *   transforms: [{ type: "RandomPaddingCrop", crop_size: [96, 96] }, { type: "RandomHorizontalFlip" }, { type: "Normalize" }],
 *   mode: "train",
 * });
 * const s = await ds.get(0, { seed: 1, epoch: 0 });   // s.image: 96×96×3 float32 in [-1, 1]
 * ```
 * @module
 */
import process from "node:process";
import { cityscapes } from "./cityscapes.ts";
import { DatasetError } from "./errors.ts";
import { miniDeepGlobeRoadExtraction } from "./mini_deep_globe.ts";
import { paddleDataset } from "./paddle_dataset.ts";
import { RECIPE, type SegDataset } from "./types.ts";
import type { TransformSpec } from "./transforms/compose.ts";

/** Loader functions by PaddleSeg type name. */
export const DATASET_TYPES: Readonly<
  Record<string, (spec: Record<string, unknown>, baseDir: string) => Promise<SegDataset>>
> = {
  Dataset: paddleDataset,
  Cityscapes: cityscapes,
  MiniDeepGlobeRoadExtraction: miniDeepGlobeRoadExtraction,
};

/** The data set types `createDataset` builds, by PaddleSeg name. */
export type DatasetType = "Dataset" | "Cityscapes" | "MiniDeepGlobeRoadExtraction";

/** A data set as PaddleSeg's YAML writes it; `type` and the transforms' `type` complete in editors. */
export interface DatasetSpec {
  // deno-lint-ignore ban-types -- `string & {}` keeps the literal completions of the union
  type: DatasetType | (string & {});
  transforms?: TransformSpec[];
  mode?: "train" | "val" | "test";
  [key: string]: unknown;
}

/**
 * Builds a dataset from PaddleSeg's `train_dataset` / `val_dataset` mapping:
 * { type: "Dataset" | "Cityscapes" | "MiniDeepGlobeRoadExtraction", dataset_root, train_path, val_path,
 *   num_classes, ignore_index, mode, transforms: [{ type: "ResizeStepScaling", ... }, ...], edge, ... }.
 * Relative paths resolve against `baseDir` (the config file's folder).
 */
export function createDataset(spec: DatasetSpec, opts?: { baseDir?: string }): Promise<SegDataset>;
/** Builds a dataset from a YAML mapping (checked). */
export function createDataset(
  spec: Record<string, unknown>,
  opts?: { baseDir?: string },
): Promise<SegDataset>;
export async function createDataset(
  spec: Record<string, unknown>,
  opts: { baseDir?: string } = {},
): Promise<SegDataset> {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) {
    throw new DatasetError(`a data set spec must be a mapping with a "type", got ${JSON.stringify(spec)}`);
  }
  const type = spec.type;
  const make = typeof type === "string" ? DATASET_TYPES[type] : undefined;
  if (!make) {
    throw new DatasetError(
      `unknown data set type ${JSON.stringify(type)}; known types: ${Object.keys(DATASET_TYPES).join(", ")}`,
    );
  }
  const baseDir = opts.baseDir ?? process.cwd();
  const ds = await make(spec, baseDir);
  Object.defineProperty(ds, RECIPE, { value: { spec: structuredClone(spec), baseDir }, enumerable: false });
  return ds;
}
