/**
 * `ResizeRangeScaling(min_value=400, max_value=600)`: resizes so that the long side is a length
 * drawn uniformly from [min_value, max_value] (rounded; `max_value` when they are equal), keeping
 * the aspect ratio — image bilinear, label nearest (PaddleSeg's `resize_long`).
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import { roundHalfEven } from "./resize_kernels.ts";
import { resizeSample } from "./resize_step_scaling.ts";
import type { Transform, WorkSample } from "./sample.ts";

/** Builds a `ResizeRangeScaling` transform. */
export function resizeRangeScaling(raw: Record<string, unknown>): Transform {
  const p = new Params("ResizeRangeScaling", raw, ["min_value", "max_value"]);
  const min = p.number("min_value", 400, (v) => (Number.isInteger(v) && v > 0 ? null : "a positive integer"));
  const max = p.number("max_value", 600, (v) => (Number.isInteger(v) && v > 0 ? null : "a positive integer"));
  if (min > max) p.fail("min_value", `≤ max_value (${max})`, min);
  return {
    type: "ResizeRangeScaling",
    params: p.used,
    apply(s: WorkSample, rng: Rng): WorkSample {
      const long = min === max ? max : Math.trunc(rng.uniform(min, max) + 0.5);
      const scale = long / Math.max(s.width, s.height);
      const w = Math.max(1, roundHalfEven(s.width * scale)), h = Math.max(1, roundHalfEven(s.height * scale));
      return resizeSample(s, w, h);
    },
  };
}
