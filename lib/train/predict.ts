/**
 * `predict(model, source)`: class masks for a dataset (or a batch of images), with whole-image,
 * sliding-window or resize inference. With `outDir` the masks are written as PaddleSeg's
 * `predict.py` does: `pseudo_color_prediction/<name>.png` (indexed PNG: class ids with the
 * dataset's palette) and `added_prediction/<name>.png` (the mask blended over the image).
 * The result displays as a grid of image / prediction / label in notebooks.
 *
 * @example
 * ```ts
 * import { predict } from "seglab";
 * const p = await predict(model, valDataset, { outDir: "out/pred", maxSamples: 8 });
 * p.predictions[0].mask;   // Uint8Array of class ids
 * ```
 * @module
 */
import * as path from "node:path";
import { tf } from "../core/tf.ts";
import { readData } from "../backend/read.ts";
import type { SegModel } from "../models/seg_model.ts";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { Progress } from "../display/progress.ts";
import { imageGrid, maskImage, overlayImage, type PngImage, rgbImage } from "../plots/image.ts";
import type { RGB } from "../core/palette.ts";
import { writeFileAtomic } from "../core/runtime.ts";
import type { SegDataset } from "./data.ts";
import { inferLogits, type InferOptions } from "./infer.ts";
import { encodeMaskPng, fullPalette } from "./mask_png.ts";
import { StoppedError, stopsWithCell, stopWatch } from "../core/stop.ts";

/** Options of {@linkcode predict}. */
export interface PredictOptions {
  infer?: InferOptions;
  /** Write masks and overlays here (PaddleSeg's layout). */
  outDir?: string;
  /** Predict the first n images only. */
  maxSamples?: number;
  /** Predictions kept in memory for display (default 8; all when no outDir). */
  keep?: number;
  /** Class colours (default: the dataset's palette, else the VOC palette). */
  palette?: readonly (readonly [number, number, number])[];
  /** Opacity of the overlay (default 0.5). */
  alpha?: number;
  progress?: boolean;
  /**
   * Stops at the next image (a `StoppedError` then says how many masks were written). In a
   * notebook the cell's interrupt stops it too; `null` watches nothing.
   */
  signal?: AbortSignal | null;
}

/** One predicted mask. */
export interface Prediction {
  name: string;
  width: number;
  height: number;
  /** Class ids, row-major. */
  mask: Uint8Array;
  /** The ground truth, when the source has one. */
  label: Uint8Array | Int32Array | null;
  /** The image the model saw (uint8 RGB when the dataset gives raw images, else the normalised one). */
  image: PngImage;
  /** The coloured mask. */
  maskImage(): PngImage;
  /** The mask over the image. */
  overlay(): PngImage;
  /** Files written for it. */
  files: string[];
}

/** Predictions and where they went. */
export interface PredictResult {
  predictions: Prediction[];
  count: number;
  outDir: string | null;
  [DISPLAY](): MimeBundle;
}

function stem(name: string): string {
  const base = name.replace(/\\/g, "/");
  return base.replace(/\.[^./]+$/, "");
}

/** Predicts masks for a dataset or a batch of images `[N,H,W,C]` (already normalised). */
export function predict(
  model: SegModel,
  source: SegDataset | tf.Tensor4D,
  opts: PredictOptions = {},
): Promise<PredictResult> {
  return stopsWithCell(predictAll(model, source, opts)); // an interrupted cell shows where it stopped
}

async function predictAll(
  model: SegModel,
  source: SegDataset | tf.Tensor4D,
  opts: PredictOptions,
): Promise<PredictResult> {
  const isTensor = source instanceof tf.Tensor;
  const n = Math.min(isTensor ? source.shape[0] : source.length, opts.maxSamples ?? Infinity);
  const palette = (opts.palette ?? (!isTensor && source.palette.length ? source.palette : undefined)) as
    | RGB[]
    | undefined;
  const pal = fullPalette(palette);
  const keep = opts.keep ?? (opts.outDir ? 8 : Infinity);
  const ignore = isTensor ? 255 : source.ignoreIndex;
  const bar = opts.progress ? new Progress({ total: n, label: "predict", unit: "img" }) : null;
  const out: Prediction[] = [];
  const stop = stopWatch(opts.signal);
  for (let i = 0; i < n; i++) {
    if (stop.requested()) {
      bar?.fail();
      throw new StoppedError(
        `predict: stopped (${stop.reason()}) after ${i} of ${n} images` +
          (opts.outDir ? `; their masks are in ${opts.outDir}` : ""),
        { at: i, reason: stop.reason(), saved: opts.outDir ?? null },
      );
    }
    let x: tf.Tensor4D,
      name: string,
      label: Uint8Array | Int32Array | null = null,
      raw: Uint8Array | null = null,
      channels: number;
    if (isTensor) {
      x = tf.slice(source, [i, 0, 0, 0], [1, -1, -1, -1]);
      name = `image_${i}`;
      channels = source.shape[3];
    } else {
      const s = await source.get(i);
      x = tf.tensor4d(s.image, [1, s.height, s.width, s.channels]);
      name = s.name;
      label = source.mode === "test" ? null : s.label;
      channels = s.channels;
      const r = await source.getRaw(i);
      if (r.height === s.height && r.width === s.width && (r.channels === 3 || r.channels === 1)) {
        raw = r.image;
      }
    }
    const [h, w] = [x.shape[1], x.shape[2]];
    const pred = tf.tidy(() => tf.argMax(inferLogits(model, x, opts.infer), -1));
    let mask: Uint8Array, floatImage: Float32Array | null;
    try {
      mask = Uint8Array.from(await readData<"int32">(pred));
      floatImage = raw ? null : (await readData(x)).slice();
    } finally {
      tf.dispose([pred, x]);
    }
    const image = raw
      ? rgbImage(raw, { width: w, height: h, channels: raw.length / (w * h) })
      : rgbImage(floatImage!, { width: w, height: h, channels });
    const files: string[] = [];
    const p: Prediction = {
      name,
      width: w,
      height: h,
      mask,
      label,
      image,
      maskImage: () =>
        maskImage(mask, {
          width: w,
          height: h,
          palette: pal,
          ignoreIndex: ignore,
          title: `${name} prediction`,
        }),
      overlay: () =>
        overlayImage(image, mask, {
          width: w,
          height: h,
          palette: pal,
          alpha: opts.alpha ?? 0.5,
          ignoreIndex: ignore,
          title: name,
        }),
      files,
    };
    if (opts.outDir) {
      const s = stem(name);
      const maskFile = path.join(opts.outDir, "pseudo_color_prediction", `${s}.png`);
      const overlayFile = path.join(opts.outDir, "added_prediction", `${s}.png`);
      await writeFileAtomic(maskFile, encodeMaskPng(mask, w, h, palette));
      await writeFileAtomic(overlayFile, p.overlay().png());
      files.push(maskFile, overlayFile);
    }
    if (out.length < keep) out.push(p);
    bar?.tick();
  }
  bar?.done();
  const outDir = opts.outDir ?? null;
  return {
    predictions: out,
    count: n,
    outDir,
    [DISPLAY](): MimeBundle {
      const shown = out.slice(0, 8);
      const cells: PngImage[] = [], titles: string[] = [];
      for (const p of shown) {
        cells.push(p.image, p.overlay());
        titles.push(p.name, "prediction");
        if (p.label) {
          cells.push(
            maskImage(p.label, { width: p.width, height: p.height, palette: pal, ignoreIndex: ignore }),
          );
          titles.push("label");
        }
      }
      if (!cells.length) return { "text/plain": "no predictions" };
      const cols = shown[0].label ? 3 : 2;
      const grid = imageGrid(cells, { columns: cols, titles })[DISPLAY]();
      const note = `${n} prediction${n === 1 ? "" : "s"}${outDir ? ` written to ${outDir}` : ""}${
        shown.length < n ? ` (first ${shown.length} shown)` : ""
      }`;
      return { ...grid, "text/plain": `${note}\n${grid["text/plain"]}` };
    },
  };
}
