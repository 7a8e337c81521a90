/**
 * Whether a batch of crops fits in memory for training, and whether it needs activation
 * recomputation to fit: decided per input shape before the first step with that shape, from the
 * model's memory estimate (`models/memory_estimate.ts`). On `wasm` the heap cannot grow past
 * 4 GiB (wasm32); other backends have no fixed limit here, so recomputation is used there only
 * when asked for.
 *
 * `recompute: "auto"` (the default) recomputes the model's blocks only when the crop would not
 * fit with every activation kept; `true` / `false` force it on / off. A crop that does not fit
 * even with recomputation is an error naming the crop, the estimate and the largest crop of the
 * same shape that fits.
 * @module
 */
import { tf } from "../core/tf.ts";
import { ConfigError } from "../config/config_error.ts";
import type { SegModel } from "../models/seg_model.ts";
import { estimateTrainingMemory } from "../models/memory_estimate.ts";
import { recomputeBlocks, setRecompute } from "../models/layers/recompute.ts";

/** Activation recomputation: decided per crop (`"auto"`), always, or never. */
export type RecomputeOption = "auto" | boolean;

/** The wasm32 heap's ceiling. */
export const WASM_HEAP_LIMIT = 4 * 2 ** 30;

/** "auto" recomputes when keeping every activation is estimated to need more than this share of the limit. */
const AUTO_MARGIN = 0.9;

const gib = (b: number) => `${(b / 2 ** 30).toFixed(2)} GiB`;

/** What was decided for one input shape. */
export interface MemoryDecision {
  shape: number[];
  recompute: boolean;
  /** Estimated peak bytes of a step as it will run. */
  needBytes: number;
  limitBytes: number | null;
}

/** Decides, per input shape, whether training fits and whether to recompute activations. */
export class MemoryPlan {
  readonly #decided = new Map<string, MemoryDecision>();
  readonly #blocks: number;

  constructor(
    readonly model: SegModel,
    readonly option: RecomputeOption = "auto",
    readonly limitBytes: number | null = tf.getBackend() === "wasm" ? WASM_HEAP_LIMIT : null,
  ) {
    if (option !== "auto" && typeof option !== "boolean") {
      throw new ConfigError(`recompute: must be "auto", true or false, got ${JSON.stringify(option)}`);
    }
    this.#blocks = recomputeBlocks(model.net).length;
  }

  /** Sets the model up for images of `shape` ([N,H,W,C]); throws if they cannot fit. */
  fit(shape: readonly number[], log?: (line: string) => void): MemoryDecision {
    const key = shape.join("x");
    const known = this.#decided.get(key);
    if (known) {
      setRecompute(this.model.net, known.recompute);
      return known;
    }
    const e = estimateTrainingMemory(this.model.net, [...shape]);
    const limit = this.limitBytes;
    const canRecompute = this.#blocks > 0;
    // "auto" leaves a margin: the estimate of a step that keeps everything is the rougher one.
    const recompute = this.option === "auto"
      ? canRecompute && limit !== null && e.peakBytes > AUTO_MARGIN * limit
      : this.option && canRecompute;
    const need = recompute ? e.peakRecomputeBytes : e.peakBytes;
    if (limit !== null && need > limit) {
      throw new ConfigError(this.#tooLarge(shape, need, limit, canRecompute));
    }
    setRecompute(this.model.net, recompute);
    if (recompute && this.option === "auto") {
      log?.(
        `[INFO] crop ${crop(shape)}: a step needs an estimated ${
          gib(e.peakBytes)
        } with every activation kept, ` +
          `${gib(e.peakRecomputeBytes)} when ${this.#blocks} blocks recompute theirs in the backward pass ` +
          `(limit ${gib(limit!)}): recomputing (set recompute: false to turn it off)`,
      );
    }
    const d = { shape: [...shape], recompute, needBytes: need, limitBytes: limit };
    this.#decided.set(key, d);
    return d;
  }

  /** The estimated peak of a step at `shape` with the best setting this plan allows. */
  need(shape: readonly number[]): number {
    const e = estimateTrainingMemory(this.model.net, [...shape]);
    return this.option === false || this.#blocks === 0
      ? e.peakBytes
      : Math.min(e.peakBytes, e.peakRecomputeBytes);
  }

  /** The largest [H,W] (multiples of 32, same aspect ratio) that fits at batch `n`, or null. */
  largestFitting(shape: readonly number[], n: number): [number, number] | null {
    const [, h, w, c] = shape;
    for (let k = Math.floor(h / 32); k >= 1; k--) {
      const hh = 32 * k, ww = Math.max(32, Math.round((w * hh) / h / 32) * 32);
      if (this.need([n, hh, ww, c]) <= this.limitBytes!) return [hh, ww];
    }
    return null;
  }

  #tooLarge(shape: readonly number[], need: number, limit: number, canRecompute: boolean): string {
    const n = shape[0];
    const fits = this.largestFitting(shape, n);
    const fits1 = n > 1 ? this.largestFitting(shape, 1) : null;
    const how = this.option === false
      ? " with every activation kept (recompute: false)"
      : canRecompute
      ? " even with activation recomputation"
      : "";
    const largest = [
      fits ? `${fits[0]}×${fits[1]}×${n}` : null,
      fits1 ? `${fits1[0]}×${fits1[1]}×1` : null,
    ].filter(Boolean).join(", or ");
    return `crop ${crop(shape)} (H×W×batch): a training step of ${this.model.description.split(",")[0]} ` +
      `needs an estimated ${gib(need)}${how}, more than the ${gib(limit)} ${
        tf.getBackend() === "wasm" ? "the wasm heap can hold" : "limit"
      }; ` +
      (largest
        ? `the largest crop of this shape that fits is ${largest}. `
        : "no crop of this shape fits. ") +
      `Lower crop_size or batch_size, or train on a GPU backend.`;
  }
}

function crop(shape: readonly number[]): string {
  return `${shape[1]}×${shape[2]}×${shape[0]}`;
}
