/**
 * seglab's data sets: PaddleSeg's `Dataset`, `Cityscapes` and `MiniDeepGlobeRoadExtraction`
 * from folders or zip archives, PaddleSeg's transforms from YAML, a deterministic, resumable,
 * prefetching batch pipeline, shipped synthetic data sets, and exploration (pixel statistics,
 * class-imbalance figures, mask overlays).
 *
 * A short guide: `createDataset` builds a data set from a PaddleSeg `*_dataset:` section (or use
 * `shippedDataPath` for the data shipped with seglab); `batches` streams it as NHWC tensors in a
 * deterministic order from the seed; `pixelStats`, `classFrequencyPlot`, `imbalancePlot` and
 * `overlayGrid` explore it. Loaders, decoders and transforms are imported from their files.
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
export { batches } from "./batches.ts";
export type { BatchOptions } from "./batches.ts";
export { SHIPPED_DATASETS, shippedDataPath } from "./shipped.ts";
export { DatasetError } from "./errors.ts";
export { TransformError, TRANSFORMS } from "./transforms/mod.ts";
export type { TransformSpec, TransformType } from "./transforms/mod.ts";
export type { DatasetSpec, DatasetType } from "./create_dataset.ts";
export { classFrequencyPlot, imbalancePlot, overlayGrid, pixelStats } from "./explore/mod.ts";
export type {
  DatasetStats,
  FrequencyPlotOptions,
  ImbalancePlotOptions,
  OverlayGridOptions,
  PixelStatsOptions,
} from "./explore/mod.ts";
