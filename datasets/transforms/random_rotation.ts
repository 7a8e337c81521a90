/**
 * `RandomRotation(max_rotation=15, im_padding_value=127.5, label_padding_value=255)`: rotates by
 * an angle drawn uniformly from [−max_rotation, max_rotation] degrees (counter-clockwise
 * positive) about the centre `(w//2, h//2)`, onto a canvas enlarged to hold the whole rotated
 * image (`int(h·sin + w·cos)` × `int(h·cos + w·sin)`), as PaddleSeg's `cv2.warpAffine` call does:
 * image bilinear, label nearest, the uncovered corners filled with the padding values (the
 * label's default is the data set's `ignore_index`). Values match OpenCV's to interpolation
 * rounding (OpenCV interpolates in fixed point).
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import { paddingValues } from "./padding.ts";
import { newLabel, type Transform, type TransformContext, type WorkSample } from "./sample.ts";

/** Rotates a sample by `degrees` onto an enlarged canvas (see the module documentation). */
export function rotateSample(
  s: WorkSample,
  degrees: number,
  imValues: number[],
  labelValue: number,
): WorkSample {
  const w = s.width, h = s.height, c = s.channels;
  const cx = Math.floor(w / 2), cy = Math.floor(h / 2);
  const a = (degrees * Math.PI) / 180, alpha = Math.cos(a), beta = Math.sin(a);
  const nw = Math.trunc(h * Math.abs(beta) + w * Math.abs(alpha));
  const nh = Math.trunc(h * Math.abs(alpha) + w * Math.abs(beta));
  // Forward map (OpenCV's getRotationMatrix2D, shifted to the new canvas): dst = R·src + t.
  const tx = (1 - alpha) * cx - beta * cy + nw / 2 - cx, ty = beta * cx + (1 - alpha) * cy + nh / 2 - cy;
  const image = new Float32Array(nw * nh * c);
  const label = s.label ? newLabel(s.label, nw * nh) : null;
  const at = (x: number, y: number, k: number) =>
    x >= 0 && x < w && y >= 0 && y < h ? s.image[(y * w + x) * c + k] : imValues[k % imValues.length];
  for (let y = 0; y < nh; y++) {
    for (let x = 0; x < nw; x++) {
      // Inverse map: src = Rᵀ·(dst − t).
      const dx = x - tx, dy = y - ty;
      const sx = alpha * dx - beta * dy, sy = beta * dx + alpha * dy;
      const x0 = Math.floor(sx), y0 = Math.floor(sy), fx = sx - x0, fy = sy - y0;
      const o = (y * nw + x) * c;
      for (let k = 0; k < c; k++) {
        const top = at(x0, y0, k) * (1 - fx) + at(x0 + 1, y0, k) * fx;
        const bottom = at(x0, y0 + 1, k) * (1 - fx) + at(x0 + 1, y0 + 1, k) * fx;
        image[o + k] = top * (1 - fy) + bottom * fy;
      }
      if (label) {
        const lx = Math.floor(sx + 0.5), ly = Math.floor(sy + 0.5);
        label[y * nw + x] = lx >= 0 && lx < w && ly >= 0 && ly < h ? s.label![ly * w + lx] : labelValue;
      }
    }
  }
  return { image, label, width: nw, height: nh, channels: c };
}

/** Builds a `RandomRotation` transform. */
export function randomRotation(raw: Record<string, unknown>, ctx: TransformContext): Transform {
  const p = new Params("RandomRotation", raw, ["max_rotation", "im_padding_value", "label_padding_value"]);
  const max = p.number("max_rotation", 15, (v) => (v >= 0 && v <= 180 ? null : "in [0, 180] (degrees)"));
  const imValues = paddingValues(raw, "RandomRotation");
  p.used.im_padding_value = raw.im_padding_value ?? 127.5;
  const labelPad = p.number("label_padding_value", ctx.ignoreIndex);
  return {
    type: "RandomRotation",
    params: p.used,
    apply(s: WorkSample, rng: Rng): WorkSample {
      if (max <= 0) return s;
      return rotateSample(s, rng.uniform(-max, max), imValues, labelPad);
    },
  };
}
