/**
 * The sample a transform works on: an HWC float32 image (as PaddleSeg's, 0–255 until
 * `Normalize`) and its label map, of the same height and width.
 * @module
 */
import type { Rng } from "../rng.ts";

/** A label map: 8-bit ids, or 32-bit ids for 16-bit label PNGs. */
export type LabelArray = Uint8Array | Int32Array;

/** An image (HWC float32) and its label, mid-pipeline. */
export interface WorkSample {
  image: Float32Array;
  /** H×W ids, or null where the data set has no labels (test mode). */
  label: LabelArray | null;
  height: number;
  width: number;
  channels: number;
}

/** What a transform knows about its data set. */
export interface TransformContext {
  ignoreIndex: number;
}

/** One transform: returns the transformed sample (it may reuse or replace the arrays). */
export interface Transform {
  /** PaddleSeg's type name. */
  readonly type: string;
  /** The parameters in effect (defaults filled in). */
  readonly params: Readonly<Record<string, unknown>>;
  apply(s: WorkSample, rng: Rng): WorkSample;
}

/** A new label array of the same kind as `like`. */
export function newLabel(like: LabelArray, length: number): LabelArray {
  return like instanceof Int32Array ? new Int32Array(length) : new Uint8Array(length);
}
