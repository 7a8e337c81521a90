/**
 * `Padding(target_size, im_padding_value=127.5, label_padding_value=255)`: pads the bottom and
 * right up to `target_size` (`[width, height]` or one number), the image with
 * `im_padding_value` (one value, or one per channel), the label with `label_padding_value`
 * (seglab's default: the data set's `ignore_index`). An image larger than the target is an error,
 * as in PaddleSeg.
 * @module
 */
import { Params, TransformError } from "./params.ts";
import { newLabel, type Transform, type TransformContext, type WorkSample } from "./sample.ts";

/** Reads `im_padding_value`: a number, or a list with one value per channel. */
export function paddingValues(raw: Record<string, unknown>, type: string): number[] {
  const v = raw.im_padding_value ?? 127.5;
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((x) => typeof x === "number" && Number.isFinite(x))) {
    throw new TransformError(
      `${type}: parameter "im_padding_value" must be a number or a list of numbers, got ${JSON.stringify(v)}`,
    );
  }
  return list as number[];
}

/** A W×H canvas filled with the padding values, `s` copied at (x0, y0). */
export function placeOnCanvas(
  s: WorkSample,
  W: number,
  H: number,
  x0: number,
  y0: number,
  imValues: number[],
  labelValue: number,
): WorkSample {
  const c = s.channels;
  const image = new Float32Array(W * H * c);
  for (let p = 0; p < W * H; p++) {
    for (let k = 0; k < c; k++) image[p * c + k] = imValues[k % imValues.length];
  }
  for (let y = 0; y < s.height; y++) {
    image.set(s.image.subarray(y * s.width * c, (y + 1) * s.width * c), ((y + y0) * W + x0) * c);
  }
  let label = s.label;
  if (s.label) {
    label = newLabel(s.label, W * H).fill(labelValue);
    for (let y = 0; y < s.height; y++) {
      label.set(s.label.subarray(y * s.width, (y + 1) * s.width), (y + y0) * W + x0);
    }
  }
  return { image, label, width: W, height: H, channels: c };
}

/** Builds a `Padding` transform. */
export function padding(raw: Record<string, unknown>, ctx: TransformContext): Transform {
  const p = new Params("Padding", raw, ["target_size", "im_padding_value", "label_padding_value"]);
  if (raw.target_size === undefined) p.fail("target_size", "[width, height] or one number", undefined);
  const [tw, th] = p.size("target_size", 512);
  const imValues = paddingValues(raw, "Padding");
  p.used.im_padding_value = raw.im_padding_value ?? 127.5;
  const labelPad = p.number("label_padding_value", ctx.ignoreIndex);
  return {
    type: "Padding",
    params: p.used,
    apply(s: WorkSample): WorkSample {
      if (s.width > tw || s.height > th) {
        throw new TransformError(
          `Padding: the image (${s.width}×${s.height}) is larger than target_size (${tw}×${th}); ` +
            `make target_size at least the largest image, or crop first`,
        );
      }
      if (s.width === tw && s.height === th) return s;
      return placeOnCanvas(s, tw, th, 0, 0, imValues, labelPad);
    },
  };
}
