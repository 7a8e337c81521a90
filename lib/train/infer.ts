/**
 * Inference on whole images, PaddleSeg's way (`core/infer.py`): the main logits of the model in
 * evaluation mode, at the image's size. Three modes:
 *
 * - `whole` (default): the image in one pass;
 * - `slide` (PaddleSeg's `is_slide`): windows of `crop_size` every `stride` (the last window of
 *   a row/column aligned to the border), their logits summed and divided by the number of
 *   windows covering each pixel — for images too large for one pass;
 * - `resize`: the image resized (bilinear) to `size`, and the logits resized back.
 *
 * `flip: true` adds the horizontally flipped pass (PaddleSeg's `flip_horizontal`), averaging
 * the softmax probabilities of both. PaddleSeg's `aug_inference` — `scales` (each a resize of the
 * image by that factor, `int(size·s + 0.5)`) and `flipVertical` (with `flip`, all four flip
 * combinations) — runs every (scale, flip) pass in the chosen mode, resizes its logits back to
 * the image's size, and averages the softmax probabilities (PaddleSeg sums them; the argmax is
 * the same). Each scale resizes the original image (PaddleSeg resizes the previous scale's).
 *
 * @example
 * ```ts
 * import { inferLogits } from "./infer.ts";
 * const logits = inferLogits(model, image, { mode: "slide", cropSize: [512, 512], stride: [384, 384] });
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { syncReadsWork } from "../backend/read.ts";
import type { SegModel } from "../models/seg_model.ts";
import { ConfigError } from "../config/config_error.ts";
import { boolean, integer, listOf, mapping, readSection } from "../config/schema.ts";

/** How to run inference on whole images. */
export interface InferOptions {
  mode?: "whole" | "slide" | "resize";
  /** Window size `[width, height]` for `slide`. */
  cropSize?: [number, number];
  /** Window step `[width, height]` for `slide` (default: the crop size). */
  stride?: [number, number];
  /** Target `[width, height]` for `resize`. */
  size?: [number, number];
  /** Also infer on the flipped image and average. */
  flip?: boolean;
  /** PaddleSeg's multi-scale inference (`test_config.scales` with `aug_eval`): the image resized by each factor. */
  scales?: number[];
  /** Also infer on the vertically flipped image (and, with `flip`, on the doubly flipped one). */
  flipVertical?: boolean;
}

/** Reads PaddleSeg's `test_config:` section (`is_slide`, `crop_size`, `stride`, `flip_horizontal`; seglab's `resize_to`). */
export function inferOptionsFromConfig(section: unknown, path = "test_config"): InferOptions {
  if (section === undefined || section === null) return {};
  const pair = listOf(integer({ min: 1 }), { length: 2 });
  const p = readSection<Record<string, unknown>>(mapping(section, path), path, {
    is_slide: { check: boolean, default: false },
    crop_size: { check: pair, optional: true },
    stride: { check: pair, optional: true },
    flip_horizontal: { check: boolean, default: false },
    resize_to: { check: pair, optional: true, doc: "seglab: [width, height] for resize inference" },
    aug_eval: { check: boolean, default: false },
    scales: { check: (v) => v, optional: true },
    flip_vertical: { check: boolean, default: false },
  }, { what: "test_config" });
  if (p.is_slide && !p.crop_size) throw new ConfigError(`${path}.crop_size: is required with is_slide: true`);
  const scales = readScales(p.scales, `${path}.scales`);
  // As in PaddleSeg, multi-scale and vertical-flip inference take effect with aug_eval: true.
  const aug = p.aug_eval as boolean;
  return {
    mode: p.is_slide ? "slide" : p.resize_to ? "resize" : "whole",
    cropSize: p.crop_size as [number, number] | undefined,
    stride: (p.stride ?? p.crop_size) as [number, number] | undefined,
    size: p.resize_to as [number, number] | undefined,
    flip: p.flip_horizontal as boolean,
    ...(aug && scales ? { scales } : {}),
    ...(aug && p.flip_vertical ? { flipVertical: true } : {}),
  };
}

function readScales(v: unknown, path: string): number[] | undefined {
  if (v === undefined || v === null) return undefined;
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((x) => typeof x === "number" && x > 0 && Number.isFinite(x))) {
    throw new ConfigError(
      `${path}: expected a positive number or a list of them (e.g. [0.75, 1.0, 1.25]), got ${
        JSON.stringify(v)
      }`,
    );
  }
  return list as number[];
}

function once(model: SegModel, x: tf.Tensor4D, flip: boolean): tf.Tensor4D {
  return tf.tidy(() => {
    const main = model.apply(x)[0];
    if (!flip) return main;
    const flipped = tf.reverse(model.apply(tf.reverse(x, 2))[0], 2);
    // Average the probabilities, returned as log-probabilities so argmax and softmax still apply.
    return tf.log(tf.add(tf.div(tf.add(tf.softmax(main), tf.softmax(flipped)), 2), 1e-12)) as tf.Tensor4D;
  });
}

/** PaddleSeg's `aug_inference`: every scale and flip combination, probabilities averaged, as log-probabilities. */
function augmented(model: SegModel, images: tf.Tensor4D, opts: InferOptions): tf.Tensor4D {
  const [, h, w] = images.shape;
  const flips: [boolean, boolean][] = [[false, false]];
  if (opts.flip) flips.push([true, false]);
  if (opts.flipVertical) {
    flips.push([false, true]);
    if (opts.flip) flips.push([true, true]);
  }
  const flipT = (t: tf.Tensor4D, [fh, fv]: [boolean, boolean]) => {
    let y = t;
    if (fh) y = tf.reverse(y, 2);
    if (fv) y = tf.reverse(y, 1);
    return y;
  };
  let sum: tf.Tensor4D | null = null, count = 0;
  for (const scale of opts.scales ?? [1]) {
    const sh = Math.trunc(h * scale + 0.5), sw = Math.trunc(w * scale + 0.5);
    for (const f of flips) {
      const prob = tf.tidy(() => {
        const x = sh === h && sw === w ? images : tf.image.resizeBilinear(images, [sh, sw], false, true);
        const logits = flipT(
          inferLogits(model, flipT(x, f), { ...opts, flip: false, scales: undefined, flipVertical: false }),
          f,
        );
        const back = sh === h && sw === w ? logits : tf.image.resizeBilinear(logits, [h, w], false, true);
        return tf.softmax(back);
      });
      const next: tf.Tensor4D = sum ? tf.add(sum, prob) : prob;
      if (sum) {
        sum.dispose();
        prob.dispose();
      }
      sum = next;
      count++;
    }
  }
  const total = sum!;
  const out = tf.tidy(() => tf.log(tf.add(tf.div(total, count), 1e-12)) as tf.Tensor4D);
  total.dispose();
  return out;
}

/** The main logits `[N,H,W,K]` of `images` `[N,H,W,C]` at their size, by the chosen mode. */
export function inferLogits(model: SegModel, images: tf.Tensor4D, opts: InferOptions = {}): tf.Tensor4D {
  const multi = (opts.scales && !(opts.scales.length === 1 && opts.scales[0] === 1)) || opts.flipVertical;
  if (multi) return augmented(model, images, opts);
  const mode = opts.mode ?? "whole", flip = opts.flip ?? false;
  const [n, h, w] = images.shape;
  if (mode === "whole") return once(model, images, flip);
  if (mode === "resize") {
    if (!opts.size) throw new Error("inferLogits: mode resize needs size [width, height]");
    const [tw, th] = opts.size;
    return tf.tidy(() => {
      const small = tf.image.resizeBilinear(images, [th, tw], false, true);
      return tf.image.resizeBilinear(once(model, small, flip), [h, w], false, true);
    });
  }
  if (!opts.cropSize) throw new Error("inferLogits: mode slide needs cropSize [width, height]");
  const [cw, ch] = [Math.min(opts.cropSize[0], w), Math.min(opts.cropSize[1], h)];
  const [sw, sh] = opts.stride ?? opts.cropSize;
  const rows = Math.max(Math.ceil((h - ch) / sh), 0) + 1, cols = Math.max(Math.ceil((w - cw) / sw), 0) + 1;
  const k = model.numClasses;
  if (!syncReadsWork()) return slideOnDevice(model, images, flip, [cw, ch], [sw, sh], rows, cols);
  const sum = new Float32Array(n * h * w * k), count = new Uint16Array(h * w);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const y2 = Math.min(r * sh + ch, h), x2 = Math.min(c * sw + cw, w);
      const y1 = Math.max(y2 - ch, 0), x1 = Math.max(x2 - cw, 0);
      const win = tf.tidy(() =>
        once(model, tf.slice(images, [0, y1, x1, 0], [n, y2 - y1, x2 - x1, -1]), flip)
      );
      const data = win.dataSync() as Float32Array;
      win.dispose();
      const ww = x2 - x1, wh = y2 - y1;
      for (let b = 0; b < n; b++) {
        for (let y = 0; y < wh; y++) {
          const src = ((b * wh + y) * ww) * k, dst = ((b * h + y1 + y) * w + x1) * k;
          for (let i = 0; i < ww * k; i++) sum[dst + i] += data[src + i];
        }
      }
      for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) count[y * w + x]++;
    }
  }
  for (let b = 0; b < n; b++) {
    for (let p = 0; p < h * w; p++) {
      const inv = 1 / count[p];
      for (let j = 0; j < k; j++) sum[(b * h * w + p) * k + j] *= inv;
    }
  }
  return tf.tensor4d(sum, [n, h, w, k]);
}

/**
 * Slide inference on a device backend: each window's logits padded to the image and summed on
 * the device, then divided by the window count per pixel (computed here: it depends on shapes only).
 */
function slideOnDevice(
  model: SegModel,
  images: tf.Tensor4D,
  flip: boolean,
  [cw, ch]: [number, number],
  [sw, sh]: [number, number],
  rows: number,
  cols: number,
): tf.Tensor4D {
  const [, h, w] = images.shape;
  const count = new Float32Array(h * w);
  let sum: tf.Tensor4D | null = null;
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const y2 = Math.min(r * sh + ch, h), x2 = Math.min(c * sw + cw, w);
      const y1 = Math.max(y2 - ch, 0), x1 = Math.max(x2 - cw, 0);
      const next: tf.Tensor4D = tf.tidy(() => {
        const win = once(model, tf.slice(images, [0, y1, x1, 0], [-1, y2 - y1, x2 - x1, -1]), flip);
        const padded = tf.pad(win, [[0, 0], [y1, h - y2], [x1, w - x2], [0, 0]]);
        return sum ? tf.add(sum, padded) : padded;
      });
      sum?.dispose();
      sum = next;
      for (let y = y1; y < y2; y++) for (let x = x1; x < x2; x++) count[y * w + x]++;
    }
  }
  const total = sum!;
  try {
    return tf.tidy(() => tf.div(total, tf.tensor4d(count, [1, h, w, 1])));
  } finally {
    total.dispose();
  }
}
