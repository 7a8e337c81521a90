/**
 * The data set ↔ trainer contract: samples, data sets and batches.
 * @module
 */
import type { tf } from "../lib/core/tf.ts";

/** One sample after the dataset's transforms. */
export interface SegSample {
  /** H×W×C float32 (HWC), after transforms (e.g. Normalize → [-1, 1]). */
  image: Float32Array;
  /** H×W class ids, or ignore_index (all ignore_index where the data set has no labels, test mode). */
  label: Uint8Array | Int32Array;
  /** H×W binary edge map (0/1), present when the dataset was built with `edge: true`. */
  edge?: Uint8Array;
  height: number;
  width: number;
  channels: number;
  /** The image's path relative to dataset_root (for messages and saved predictions). */
  name: string;
}

/** A sample exactly as stored (after any label remap), with no transforms. */
export interface RawSample {
  /** H×W×C uint8 (RGB, or gray when img_channels is 1). */
  image: Uint8Array;
  label: Uint8Array | Int32Array | null;
  height: number;
  width: number;
  channels: number;
  name: string;
}

/** The files behind sample i. */
export interface SampleFiles {
  image: string;
  label: string | null;
  /** The list file and line that named them, when there is one. */
  list?: string;
  line?: number;
}

/** A segmentation data set. */
export interface SegDataset {
  readonly length: number;
  readonly numClasses: number;
  readonly ignoreIndex: number;
  readonly classNames: readonly string[];
  readonly palette: readonly [number, number, number][];
  readonly mode: "train" | "val" | "test";
  readonly root: string;
  /** Sample i; random transforms are drawn deterministically from (seed, epoch, i). */
  get(index: number, opts?: { seed?: number; epoch?: number }): Promise<SegSample>;
  /** Sample i with no transforms at all (original size, uint8 RGB image) — for display and prediction. */
  getRaw(index: number): Promise<RawSample>;
  /** The loader's type name (`Dataset`, `Cityscapes`, `MiniDeepGlobeRoadExtraction`). */
  readonly type?: string;
  /** True when samples carry `edge` maps. */
  readonly edge?: boolean;
  /** Where sample i's files are (paths as a user finds them). */
  files?(index: number): SampleFiles;
}

/** A batch of samples as tensors. */
export interface Batch {
  images: tf.Tensor4D; // [N,H,W,C] float32
  labels: tf.Tensor3D; // [N,H,W] int32
  edges?: tf.Tensor3D; // [N,H,W] int32, when the dataset has edges
  names: string[];
  indices: number[]; // dataset indices in this batch
  epoch: number;
  /** 0-based index of this batch since the start of training (= iteration − 1 for training). */
  step: number;
}

/** Where a data set built by `createDataset` came from, so a worker can rebuild it. */
export interface DatasetRecipe {
  spec: Record<string, unknown>;
  baseDir: string;
}

/** Key under which `createDataset` records its recipe on the data set. */
export const RECIPE: unique symbol = Symbol.for("seglab.datasets.recipe");
