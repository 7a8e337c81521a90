/**
 * The trainer's side of the data-set contract (`seglab/datasets`): the types it consumes and
 * where `createDataset` / `batches` come from.
 * @module
 */
import type { tf } from "../backend/tf.ts";

/** One sample after the dataset's transforms (see `seglab/datasets`). */
export interface SegSample {
  image: Float32Array;
  label: Uint8Array | Int32Array;
  edge?: Uint8Array;
  height: number;
  width: number;
  channels: number;
  name: string;
}

/** A segmentation data set (see `seglab/datasets`). */
export interface SegDataset {
  readonly length: number;
  readonly numClasses: number;
  readonly ignoreIndex: number;
  readonly classNames: readonly string[];
  readonly palette: readonly [number, number, number][];
  readonly mode: "train" | "val" | "test";
  readonly root: string;
  get(index: number, opts?: { seed?: number; epoch?: number }): Promise<SegSample>;
  getRaw(index: number): Promise<{ image: Uint8Array; label: Uint8Array | Int32Array | null; height: number; width: number; channels: number; name: string }>;
}

/** A batch of samples as tensors; the consumer disposes them. */
export interface Batch {
  images: tf.Tensor4D;
  labels: tf.Tensor3D;
  edges?: tf.Tensor3D;
  names: string[];
  indices: number[];
  epoch: number;
  step: number;
}

/** Options of a batch source (`seglab/datasets`' `batches`). */
export interface BatchOptions {
  batchSize: number;
  shuffle?: boolean;
  seed?: number;
  dropLast?: boolean;
  loop?: boolean;
  startStep?: number;
  prefetch?: number;
}

/** A batch source: deterministic order from (seed, epoch); `startStep` resumes exactly. */
export type BatchFn = (ds: SegDataset, opts: BatchOptions) => AsyncIterableIterator<Batch>;

/** `createDataset` of `seglab/datasets`. */
export type CreateDatasetFn = (spec: Record<string, unknown>, opts?: { baseDir?: string }) => Promise<SegDataset>;

/** The parts of `seglab/datasets` the trainer and the command line use. */
export interface DatasetsModule {
  createDataset: CreateDatasetFn;
  batches: BatchFn;
  decodeRaster(bytes: Uint8Array, forLabel?: boolean): unknown;
  rasterToImage(r: unknown, channels: 1 | 3): { data: Uint8Array; width: number; height: number; channels: 1 | 3 };
  createTransforms(list: unknown, ctx?: { ignoreIndex: number }): unknown[];
  applyTransforms(t: unknown[], s: { image: Float32Array; label: Uint8Array | Int32Array | null; height: number; width: number; channels: number }, rng: unknown): {
    image: Float32Array;
    label: Uint8Array | Int32Array | null;
    height: number;
    width: number;
    channels: number;
  };
  rngFor(...keys: number[]): unknown;
}

let cached: Promise<DatasetsModule> | null = null;

/** `seglab/datasets`. */
export function datasetsModule(): Promise<DatasetsModule> {
  // Loaded on first use: a run given dataset objects and its own batch source never needs it.
  const spec = "../../datasets/mod.ts";
  return cached ??= (import(spec) as Promise<DatasetsModule>).catch((e) => {
    cached = null;
    throw new Error(`the datasets module (seglab/datasets) could not be loaded: ${(e as Error).message}`);
  });
}
