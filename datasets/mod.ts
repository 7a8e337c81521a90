/**
 * seglab's data sets: PaddleSeg's `Dataset`, `Cityscapes` and `MiniDeepGlobeRoadExtraction`
 * from folders or zip archives, PaddleSeg's transforms from YAML, a deterministic, resumable,
 * prefetching batch pipeline, shipped synthetic data sets, and exploration (pixel statistics,
 * class-imbalance figures, mask overlays).
 *
 * @example
 * ```ts
 * import { batches, createDataset, shippedDataPath } from "seglab/datasets";
 * const ds = await createDataset({
 *   type: "MiniDeepGlobeRoadExtraction",
 *   dataset_root: shippedDataPath("synthetic-roads"),
 *   transforms: [{ type: "RandomPaddingCrop", crop_size: [96, 96] }, { type: "RandomHorizontalFlip" }, { type: "Normalize" }],
 *   mode: "train",
 * });
 * for await (const b of batches(ds, { batchSize: 4, shuffle: true, seed: 0, loop: true })) {
 *   // b.images: [4,96,96,3] float32, b.labels: [4,96,96] int32 — dispose them when done
 *   b.images.dispose(); b.labels.dispose();
 *   if (b.step === 9) break;
 * }
 * ```
 * @module
 */
export type { Batch, RawSample, SampleFiles, SegDataset, SegSample } from "./types.ts";
export { createDataset, DATASET_TYPES } from "./create_dataset.ts";
export type { DatasetSpec, DatasetType } from "./create_dataset.ts";
export { batches, batchPlan } from "./batches.ts";
export type { BatchOptions, StepPlan } from "./batches.ts";
export { SHIPPED_DATASETS, shippedDataPath } from "./shipped.ts";
export { DatasetError } from "./errors.ts";
export { applyTransforms, createTransforms, TransformError, TRANSFORMS } from "./transforms/mod.ts";
export type { TransformSpec, TransformType } from "./transforms/mod.ts";
export type { Transform, WorkSample } from "./transforms/mod.ts";
export { maskToBinaryEdge } from "./edge.ts";
export { labelProblem, parseLabelRemap, rasterToLabel } from "./label_remap.ts";
export type { LabelRemap } from "./label_remap.ts";
export { decodeRaster, rasterToImage } from "./decode/mod.ts";
export type { ImageU8, Raster } from "./decode/mod.ts";
export { parseListFile } from "./list_file.ts";
export type { ListEntry } from "./list_file.ts";
export { openFolder } from "./folder_source.ts";
export { DEFAULT_MAX_ZIP_BYTES, openZip } from "./zip_source.ts";
export type { FileSource } from "./source.ts";
export {
  CITYSCAPES_CLASSES,
  CITYSCAPES_LABEL_TO_TRAIN,
  CITYSCAPES_PALETTE,
  ROAD_CLASSES,
  ROAD_PALETTE,
} from "./classes.ts";
export { rngFor } from "./rng.ts";
export type { Rng } from "./rng.ts";
export { classFrequencyPlot, imbalancePlot, overlayGrid, pixelStats } from "./explore/mod.ts";
export type {
  DatasetStats,
  FrequencyPlotOptions,
  ImbalancePlotOptions,
  OverlayGridOptions,
  PixelStatsOptions,
} from "./explore/mod.ts";
