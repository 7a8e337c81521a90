/**
 * `evaluate(model, dataset)`: PaddleSeg's `core/val.py` — every image of a validation set
 * through the model in evaluation mode (main logits only), argmax, and one confusion matrix over
 * the whole set (pixels labelled `ignore_index` skipped), giving mIoU, per-class IoU, pixel
 * accuracy, kappa and Dice with PaddleSeg 2.9's conventions. Where the validation transforms
 * resize an image (`Resize`, `ResizeByLong`, …), the label stays as stored and the logits are
 * resized back to it (bilinear), as PaddleSeg evaluates. Images of the same size are run in
 * batches (`batchSize`); large ones by sliding window or resize (`infer`).
 *
 * @example
 * ```ts
 * import { evaluate } from "seglab";
 * const m = await evaluate(model, valDataset, { infer: { mode: "slide", cropSize: [256, 256] } });
 * m.miou; m.classIoU; m.kappa;       // displays as a per-class table
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { readData } from "../backend/read.ts";
import type { SegModel } from "../models/seg_model.ts";
import { addToConfusion, type ConfusionMatrix, emptyConfusion } from "../metrics/confusion_matrix.ts";
import { type SegMetrics, segMetrics } from "../metrics/seg_metrics.ts";
import { Progress } from "../display/progress.ts";
import type { SegDataset, SegSample } from "./data.ts";
import { inferLogits, type InferOptions } from "./infer.ts";
import { StoppedError, stopsWithCell, stopWatch } from "../core/stop.ts";

/** Options of {@linkcode evaluate}. */
export interface EvaluateOptions {
  infer?: InferOptions;
  /** Images per forward pass when consecutive images share a size (default 4; whole-image mode only). */
  batchSize?: number;
  /** Evaluate the first n images only. */
  maxSamples?: number;
  /** Show a progress bar (default false). */
  progress?: boolean;
  /**
   * Compare with the stored label when the validation transforms resized an image, its logits
   * resized back (PaddleSeg's evaluation; default true); false compares at the transformed size.
   */
  rawLabels?: boolean;
  /** Where samples come from (default: `dataset.get`); the trainer passes a cache. */
  samples?: SampleSource;
  /**
   * Stops the evaluation at the next image (it then throws a `StoppedError` saying how far it
   * got). In a notebook the cell's interrupt stops it too; `null` watches nothing.
   */
  signal?: AbortSignal | null;
}

/** A source of validation samples. */
export interface SampleSource {
  get(index: number): Promise<SegSample>;
}

/** Metrics of an evaluation, with the confusion matrix and the number of images. */
export type EvalResult = SegMetrics & { numImages: number; confusion: ConfusionMatrix; seconds: number };

/**
 * Keeps decoded validation samples in memory up to `maxBytes` (default 512 MiB), so periodic
 * evaluations during training decode each image once. Validation transforms are deterministic.
 */
export function sampleCache(ds: SegDataset, maxBytes = 512 * 2 ** 20): SampleSource & { bytes: number } {
  const cache = new Map<number, SegSample>();
  let bytes = 0;
  return {
    get bytes() {
      return bytes;
    },
    async get(i: number) {
      const hit = cache.get(i);
      if (hit) return hit;
      const s = await ds.get(i);
      const size = s.image.byteLength + s.label.byteLength + (s.edge?.byteLength ?? 0) +
        (s.rawLabel?.label.byteLength ?? 0);
      if (bytes + size <= maxBytes) {
        cache.set(i, s);
        bytes += size;
      }
      return s;
    },
  };
}

/** Evaluates `model` on `dataset` (see the module doc). */
export function evaluate(
  model: SegModel,
  dataset: SegDataset,
  opts: EvaluateOptions = {},
): Promise<EvalResult> {
  return stopsWithCell(evaluateAll(model, dataset, opts)); // an interrupted cell shows where it stopped
}

async function evaluateAll(model: SegModel, dataset: SegDataset, opts: EvaluateOptions): Promise<EvalResult> {
  const t0 = performance.now();
  const n = Math.min(dataset.length, opts.maxSamples ?? Infinity);
  if (n === 0) throw new Error(`evaluate: the dataset at ${dataset.root} has no images`);
  if (dataset.numClasses !== model.numClasses) {
    throw new Error(
      `evaluate: the dataset has ${dataset.numClasses} classes but the model predicts ${model.numClasses}`,
    );
  }
  const src = opts.samples ?? dataset;
  const cm = emptyConfusion(model.numClasses, dataset.ignoreIndex);
  const mode = opts.infer?.mode ?? "whole";
  const maxBatch = mode === "whole" ? Math.max(1, opts.batchSize ?? 4) : 1;
  const bar = opts.progress ? new Progress({ total: n, label: "eval", unit: "img" }) : null;
  let pending: SegSample[] = [];
  /** A val sample whose transforms resized it: logits resized back (bilinear) to the stored label, as PaddleSeg. */
  const rawEval = async (s: SegSample) => {
    const raw = s.rawLabel!;
    const pred = tf.tidy(() => {
      const x = tf.tensor4d(s.image, [1, s.height, s.width, s.channels]);
      const logits = inferLogits(model, x, opts.infer);
      return tf.argMax(tf.image.resizeBilinear(logits, [raw.height, raw.width], false, true), -1);
    });
    try {
      addToConfusion(cm, await readData<"int32">(pred), raw.label);
    } finally {
      pred.dispose();
    }
    bar?.tick(1);
  };
  const stop = stopWatch(opts.signal);
  const flush = async () => {
    if (!pending.length) return;
    const s0 = pending[0];
    const data = new Float32Array(pending.length * s0.image.length);
    pending.forEach((s, i) => data.set(s.image, i * s0.image.length));
    const pred = tf.tidy(() => {
      const x = tf.tensor4d(data, [pending.length, s0.height, s0.width, s0.channels]);
      return tf.argMax(inferLogits(model, x, opts.infer), -1);
    });
    let p: Int32Array;
    try {
      p = await readData<"int32">(pred);
    } finally {
      pred.dispose();
    }
    const hw = s0.height * s0.width;
    pending.forEach((s, i) => addToConfusion(cm, p.subarray(i * hw, (i + 1) * hw), s.label));
    bar?.tick(pending.length);
    pending = [];
  };
  try {
    for (let i = 0; i < n; i++) {
      if (stop.requested()) {
        throw new StoppedError(
          `evaluate: stopped (${stop.reason()}) after ${i - pending.length} of ${n} images; no metrics`,
          { at: i - pending.length, reason: stop.reason() },
        );
      }
      const s = await src.get(i);
      if (s.channels !== model.inChannels) {
        throw new Error(
          `evaluate: image ${s.name} has ${s.channels} channels but the model takes ${model.inChannels}`,
        );
      }
      if (s.rawLabel && opts.rawLabels !== false) {
        await flush();
        await rawEval(s);
        continue;
      }
      const p0 = pending[0];
      if (p0 && (p0.height !== s.height || p0.width !== s.width || pending.length >= maxBatch)) await flush();
      pending.push(s);
    }
    await flush();
  } catch (e) {
    bar?.fail();
    throw e;
  }
  const m = segMetrics(
    cm,
    dataset.classNames.length === model.numClasses ? [...dataset.classNames] : undefined,
  );
  const seconds = (performance.now() - t0) / 1000;
  bar?.done({ mIoU: m.miou });
  return Object.assign(m, { numImages: n, confusion: cm, seconds });
}
