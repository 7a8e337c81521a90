/**
 * `ResizeStepScaling(min_scale_factor=0.75, max_scale_factor=1.25, scale_step_size=0.25)`:
 * rescales by a factor drawn uniformly from `linspace(min, max, int((max−min)/step + 1))`
 * (or uniformly in [min, max] when `scale_step_size` is 0); sizes are `int(round(s·W))`, image
 * bilinear, label nearest — PaddleSeg's semantics.
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import { resizeBilinear, resizeNearestLabel, roundHalfEven } from "./resize_kernels.ts";
import type { Transform, WorkSample } from "./sample.ts";

/** The candidate scale factors PaddleSeg draws from (numpy `linspace`). */
export function stepScales(min: number, max: number, step: number): number[] {
  if (min === max) return [min];
  const n = Math.trunc((max - min) / step + 1);
  if (n <= 1) return [min];
  const d = (max - min) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? max : min + i * d));
}

/** Resizes a sample to `w`×`h` (image bilinear, label nearest). */
export function resizeSample(s: WorkSample, w: number, h: number): WorkSample {
  if (w === s.width && h === s.height) return s;
  return {
    image: resizeBilinear(s.image, s.height, s.width, s.channels, h, w),
    label: s.label ? resizeNearestLabel(s.label, s.height, s.width, h, w) : null,
    height: h,
    width: w,
    channels: s.channels,
  };
}

/** Builds a `ResizeStepScaling` transform from its YAML parameters. */
export function resizeStepScaling(raw: Record<string, unknown>): Transform {
  const p = new Params("ResizeStepScaling", raw, ["min_scale_factor", "max_scale_factor", "scale_step_size"]);
  const min = p.number("min_scale_factor", 0.75, (v) => (v > 0 ? null : "positive"));
  const max = p.number("max_scale_factor", 1.25, (v) => (v > 0 ? null : "positive"));
  const step = p.number("scale_step_size", 0.25, (v) => (v >= 0 ? null : "≥ 0"));
  if (min > max) p.fail("min_scale_factor", `≤ max_scale_factor (${max})`, min);
  const scales = step === 0 ? null : stepScales(min, max, step);
  return {
    type: "ResizeStepScaling",
    params: p.used,
    apply(s: WorkSample, rng: Rng): WorkSample {
      const f = min === max ? min : scales === null ? rng.uniform(min, max) : scales[rng.int(scales.length)];
      const w = roundHalfEven(f * s.width), h = roundHalfEven(f * s.height);
      return resizeSample(s, Math.max(1, w), Math.max(1, h));
    },
  };
}
