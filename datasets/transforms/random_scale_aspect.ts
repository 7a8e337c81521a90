/**
 * `RandomScaleAspect(min_scale=0.5, aspect_ratio=0.33)`: crops a window covering a random share
 * of the area (uniform in [min_scale, 1]) with a random aspect ratio (uniform in
 * [aspect_ratio, 1/aspect_ratio], width and height swapped half the time), and resizes it back
 * to the original size (image bilinear, label nearest). Up to 10 draws; when none fits inside
 * the image, the sample is unchanged — PaddleSeg's semantics. `min_scale: 0` or
 * `aspect_ratio: 0` turns it off.
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import { cropSample } from "./random_padding_crop.ts";
import { resizeSample } from "./resize_step_scaling.ts";
import type { Transform, WorkSample } from "./sample.ts";

/** Builds a `RandomScaleAspect` transform. */
export function randomScaleAspect(raw: Record<string, unknown>): Transform {
  const p = new Params("RandomScaleAspect", raw, ["min_scale", "aspect_ratio"]);
  const minScale = p.number("min_scale", 0.5, (v) => (v >= 0 && v <= 1 ? null : "in [0, 1]"));
  const aspect = p.number("aspect_ratio", 0.33, (v) => (v >= 0 && v <= 1 ? null : "in [0, 1]"));
  return {
    type: "RandomScaleAspect",
    params: p.used,
    apply(s: WorkSample, rng: Rng): WorkSample {
      if (minScale === 0 || aspect === 0) return s;
      const W = s.width, H = s.height;
      for (let i = 0; i < 10; i++) {
        const target = W * H * rng.uniform(minScale, 1);
        const ratio = rng.uniform(aspect, 1 / aspect);
        let dw = Math.trunc(Math.sqrt(target * ratio)), dh = Math.trunc(Math.sqrt(target / ratio));
        if (rng.int(10) < 5) [dw, dh] = [dh, dw];
        if (dh < H && dw < W && dh > 0 && dw > 0) {
          const y0 = rng.int(H - dh), x0 = rng.int(W - dw);
          return resizeSample(cropSample(s, x0, y0, dw, dh), W, H);
        }
      }
      return s;
    },
  };
}
