/**
 * The trainer's side of the data-set contract: `seglab/datasets`' types, its `createDataset`
 * and `batches`, and the decoding and transform helpers the command line uses.
 * @module
 */
import type { Batch, BatchOptions, SegDataset } from "../../datasets/mod.ts";

export { batches, createDataset } from "../../datasets/mod.ts";
export { applyTransforms, createTransforms } from "../../datasets/transforms/mod.ts";
export { decodeRaster, rasterToImage } from "../../datasets/decode/mod.ts";
export { rngFor } from "../../datasets/rng.ts";

export type { Batch, BatchOptions, SegDataset, SegSample } from "../../datasets/mod.ts";

/** A batch source: deterministic order from (seed, epoch); `startStep` resumes exactly. */
export type BatchFn = (ds: SegDataset, opts: BatchOptions) => AsyncIterableIterator<Batch>;
