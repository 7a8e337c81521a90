/**
 * `RandomDistort(brightness_range=0.5, brightness_prob=0.5, contrast_range=0.5,
 * contrast_prob=0.5, saturation_range=0.5, saturation_prob=0.5, hue_range=18, hue_prob=0.5,
 * sharpness_range=0.5, sharpness_prob=0)`: PaddleSeg's photometric augmentation. The image is
 * cast to uint8 (truncating, as numpy's `astype`), then brightness, contrast, saturation,
 * sharpness and (for 3-channel images) hue run in a random order, each with its probability,
 * with Pillow's `ImageEnhance` factors drawn uniformly from `[1 − range, 1 + range]` (hue: a
 * shift in `[−hue_range, hue_range]` on Pillow's 0–255 hue). Labels are untouched.
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import {
  enhanceBrightness,
  enhanceColor,
  enhanceContrast,
  enhanceSharpness,
  shiftHue,
} from "./pil_enhance.ts";
import type { Transform, WorkSample } from "./sample.ts";

type Op = "brightness" | "contrast" | "saturation" | "sharpness" | "hue";

/** Builds a `RandomDistort` transform. */
export function randomDistort(raw: Record<string, unknown>): Transform {
  const names = ["brightness", "contrast", "saturation", "hue", "sharpness"] as const;
  const p = new Params("RandomDistort", raw, names.flatMap((n) => [`${n}_range`, `${n}_prob`]));
  const prob01 = (v: number) => (v >= 0 && v <= 1 ? null : "in [0, 1]");
  const nonneg = (v: number) => (v >= 0 ? null : "≥ 0");
  const cfg = {
    brightness: {
      range: p.number("brightness_range", 0.5, nonneg),
      prob: p.number("brightness_prob", 0.5, prob01),
    },
    contrast: {
      range: p.number("contrast_range", 0.5, nonneg),
      prob: p.number("contrast_prob", 0.5, prob01),
    },
    saturation: {
      range: p.number("saturation_range", 0.5, nonneg),
      prob: p.number("saturation_prob", 0.5, prob01),
    },
    hue: { range: p.number("hue_range", 18, nonneg), prob: p.number("hue_prob", 0.5, prob01) },
    sharpness: {
      range: p.number("sharpness_range", 0.5, nonneg),
      prob: p.number("sharpness_prob", 0, prob01),
    },
  };
  return {
    type: "RandomDistort",
    params: p.used,
    apply(s: WorkSample, rng: Rng): WorkSample {
      const ops: Op[] = ["brightness", "contrast", "saturation", "sharpness"];
      if (s.channels === 3) ops.push("hue");
      rng.shuffle(ops);
      const im = new Uint8Array(s.image.length);
      for (let i = 0; i < im.length; i++) {
        const v = Math.trunc(s.image[i]);
        im[i] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
      for (const op of ops) {
        const { range, prob } = cfg[op];
        if (!(rng.next() < prob)) continue;
        if (op === "hue") {
          shiftHue(im, rng.uniform(-range, range));
          continue;
        }
        const f = rng.uniform(1 - range, 1 + range);
        if (op === "brightness") enhanceBrightness(im, f);
        else if (op === "contrast") enhanceContrast(im, s.channels, f);
        else if (op === "saturation") enhanceColor(im, s.channels, f);
        else enhanceSharpness(im, s.width, s.height, s.channels, f);
      }
      return { ...s, image: Float32Array.from(im) };
    },
  };
}
