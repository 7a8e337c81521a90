/**
 * The trainer's side of the data-set contract: `seglab/datasets`' types, its `createDataset`
 * and `batches`, and the decoding and transform helpers the command line uses.
 * @module
 */
import {
  applyTransforms,
  batches,
  createDataset,
  createTransforms,
  decodeRaster,
  rasterToImage,
  rngFor,
} from "../../datasets/mod.ts";
import type { Batch, BatchOptions, SegDataset } from "../../datasets/mod.ts";

export type { Batch, BatchOptions, SegDataset, SegSample } from "../../datasets/mod.ts";

/** A batch source: deterministic order from (seed, epoch); `startStep` resumes exactly. */
export type BatchFn = (ds: SegDataset, opts: BatchOptions) => AsyncIterableIterator<Batch>;

/** `createDataset` of `seglab/datasets`. */
export type CreateDatasetFn = typeof createDataset;

/** The parts of `seglab/datasets` the trainer and the command line use. */
export interface DatasetsModule {
  createDataset: typeof createDataset;
  batches: BatchFn;
  decodeRaster: typeof decodeRaster;
  rasterToImage: typeof rasterToImage;
  createTransforms: typeof createTransforms;
  applyTransforms: typeof applyTransforms;
  rngFor: typeof rngFor;
}

const MODULE: DatasetsModule = {
  createDataset,
  batches,
  decodeRaster,
  rasterToImage,
  createTransforms,
  applyTransforms,
  rngFor,
};

/** `seglab/datasets`. */
export function datasetsModule(): Promise<DatasetsModule> {
  return Promise.resolve(MODULE);
}
