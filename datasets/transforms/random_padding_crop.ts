/**
 * `RandomPaddingCrop(crop_size=[512, 512], im_padding_value=127.5, label_padding_value=255,
 * category_max_ratio=1.0, ignore_index=255, loop_times=10)`: pads the bottom and right up to the
 * crop size (image with `im_padding_value`, label with `label_padding_value`), then crops at a
 * uniformly random offset; an image already exactly the crop size is left alone. With
 * `category_max_ratio < 1` the crop is redrawn (up to `loop_times`) until no class covers more
 * than that share of its labelled pixels. `crop_size` is `[width, height]`.
 *
 * seglab's defaults for `label_padding_value` and `ignore_index` are the data set's
 * `ignore_index` (255 unless set), so padding never invents a class.
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import {
  type LabelArray,
  newLabel,
  type Transform,
  type TransformContext,
  type WorkSample,
} from "./sample.ts";

/** Pads `s` at the bottom/right to at least `w`×`h`. */
export function padSample(
  s: WorkSample,
  w: number,
  h: number,
  imValue: number,
  labelValue: number,
): WorkSample {
  const W = Math.max(w, s.width), H = Math.max(h, s.height), c = s.channels;
  if (W === s.width && H === s.height) return s;
  const image = new Float32Array(W * H * c).fill(imValue);
  for (let y = 0; y < s.height; y++) {
    image.set(s.image.subarray(y * s.width * c, (y + 1) * s.width * c), y * W * c);
  }
  let label: LabelArray | null = null;
  if (s.label) {
    label = newLabel(s.label, W * H).fill(labelValue);
    for (let y = 0; y < s.height; y++) label.set(s.label.subarray(y * s.width, (y + 1) * s.width), y * W);
  }
  return { image, label, height: H, width: W, channels: c };
}

/** The `w`×`h` window of `s` at (x0, y0). */
export function cropSample(s: WorkSample, x0: number, y0: number, w: number, h: number): WorkSample {
  const c = s.channels;
  const image = new Float32Array(w * h * c);
  for (let y = 0; y < h; y++) {
    const src = ((y0 + y) * s.width + x0) * c;
    image.set(s.image.subarray(src, src + w * c), y * w * c);
  }
  let label: LabelArray | null = null;
  if (s.label) {
    label = newLabel(s.label, w * h);
    for (let y = 0; y < h; y++) {
      const src = (y0 + y) * s.width + x0;
      label.set(s.label.subarray(src, src + w), y * w);
    }
  }
  return { image, label, height: h, width: w, channels: c };
}

function maxCategoryRatio(
  label: LabelArray,
  W: number,
  x0: number,
  y0: number,
  w: number,
  h: number,
  ignore: number,
): { classes: number; ratio: number } {
  const counts = new Map<number, number>();
  let total = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const v = label[(y0 + y) * W + x0 + x];
      if (v === ignore) continue;
      counts.set(v, (counts.get(v) ?? 0) + 1);
      total++;
    }
  }
  let max = 0;
  for (const n of counts.values()) max = Math.max(max, n);
  return { classes: counts.size, ratio: total ? max / total : 1 };
}

/** Builds a `RandomPaddingCrop` transform. */
export function randomPaddingCrop(raw: Record<string, unknown>, ctx: TransformContext): Transform {
  const p = new Params("RandomPaddingCrop", raw, [
    "crop_size",
    "im_padding_value",
    "label_padding_value",
    "category_max_ratio",
    "ignore_index",
    "loop_times",
  ]);
  const [cw, ch] = p.size("crop_size", [512, 512]);
  const imPad = p.number("im_padding_value", 127.5);
  const labelPad = p.number(
    "label_padding_value",
    ctx.ignoreIndex,
    (v) => (Number.isInteger(v) && v >= 0 ? null : "an integer ≥ 0"),
  );
  const ratio = p.number("category_max_ratio", 1.0, (v) => (v > 0 && v <= 1 ? null : "in (0, 1]"));
  const ignore = p.number("ignore_index", ctx.ignoreIndex);
  const loops = p.number("loop_times", 10, (v) => (Number.isInteger(v) && v >= 1 ? null : "an integer ≥ 1"));
  return {
    type: "RandomPaddingCrop",
    params: p.used,
    apply(s0: WorkSample, rng: Rng): WorkSample {
      if (s0.width === cw && s0.height === ch) return s0;
      const s = padSample(s0, cw, ch, imPad, labelPad);
      let x0 = rng.int(s.width - cw + 1), y0 = rng.int(s.height - ch + 1);
      if (ratio < 1 && s.label) {
        for (let i = 0; i < loops; i++) {
          const r = maxCategoryRatio(s.label, s.width, x0, y0, cw, ch, ignore);
          if (r.classes > 1 && r.ratio < ratio) break;
          x0 = rng.int(s.width - cw + 1);
          y0 = rng.int(s.height - ch + 1);
        }
      }
      return cropSample(s, x0, y0, cw, ch);
    },
  };
}
