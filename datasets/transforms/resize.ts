/**
 * `Resize(target_size=[512, 512], keep_ratio=false, interp="LINEAR")` and PaddleSeg's
 * `ResizeByLong(long_size)` / `ResizeByShort(short_size)`: labels always nearest.
 * `interp` is `LINEAR`, `NEAREST` or `RANDOM` (one of those two per sample).
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import { resizeBilinear, resizeNearestImage, resizeNearestLabel, roundHalfEven } from "./resize_kernels.ts";
import type { Transform, WorkSample } from "./sample.ts";

function resizeWith(s: WorkSample, w: number, h: number, interp: string): WorkSample {
  if (w === s.width && h === s.height) return s;
  const image = interp === "NEAREST"
    ? resizeNearestImage(s.image, s.height, s.width, s.channels, h, w)
    : resizeBilinear(s.image, s.height, s.width, s.channels, h, w);
  return {
    image,
    label: s.label ? resizeNearestLabel(s.label, s.height, s.width, h, w) : null,
    height: h,
    width: w,
    channels: s.channels,
  };
}

/** Builds a `Resize` transform. */
export function resize(raw: Record<string, unknown>): Transform {
  const p = new Params("Resize", raw, ["target_size", "keep_ratio", "interp"]);
  const [tw, th] = p.size("target_size", [512, 512]);
  const keep = p.bool("keep_ratio", false);
  const interp = p.string("interp", "LINEAR", ["LINEAR", "NEAREST", "RANDOM"]);
  return {
    type: "Resize",
    params: p.used,
    apply(s: WorkSample, rng: Rng): WorkSample {
      const mode = interp === "RANDOM" ? (rng.next() < 0.5 ? "NEAREST" : "LINEAR") : interp;
      let w = tw, h = th;
      if (keep) {
        // PaddleSeg's rescale_size: fit the long side to max(target), the short to min(target).
        const scale = Math.min(
          Math.max(tw, th) / Math.max(s.width, s.height),
          Math.min(tw, th) / Math.min(s.width, s.height),
        );
        w = roundHalfEven(s.width * scale);
        h = roundHalfEven(s.height * scale);
      }
      return resizeWith(s, w, h, mode);
    },
  };
}

function byLongOrShort(type: "ResizeByLong" | "ResizeByShort", raw: Record<string, unknown>): Transform {
  const key = type === "ResizeByLong" ? "long_size" : "short_size";
  const p = new Params(type, raw, [key]);
  const target = p.number(key, 512, (v) => (Number.isInteger(v) && v > 0 ? null : "a positive integer"));
  return {
    type,
    params: p.used,
    apply(s: WorkSample): WorkSample {
      const ref = type === "ResizeByLong" ? Math.max(s.width, s.height) : Math.min(s.width, s.height);
      const scale = target / ref;
      return resizeWith(s, roundHalfEven(s.width * scale), roundHalfEven(s.height * scale), "LINEAR");
    },
  };
}

/** Builds a `ResizeByLong` transform (the long side becomes `long_size`). */
export const resizeByLong = (raw: Record<string, unknown>): Transform => byLongOrShort("ResizeByLong", raw);
/** Builds a `ResizeByShort` transform (the short side becomes `short_size`). */
export const resizeByShort = (raw: Record<string, unknown>): Transform => byLongOrShort("ResizeByShort", raw);
