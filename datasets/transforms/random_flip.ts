/**
 * `RandomHorizontalFlip(prob=0.5)` and `RandomVerticalFlip(prob=0.1)` (PaddleSeg's defaults):
 * image and label flip together.
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import { newLabel, type Transform, type WorkSample } from "./sample.ts";

/** Mirrors a sample left–right. */
export function flipHorizontal(s: WorkSample): WorkSample {
  const { width: W, height: H, channels: c } = s;
  const image = new Float32Array(s.image.length);
  for (let y = 0; y < H; y++) {
    const row = y * W;
    for (let x = 0; x < W; x++) {
      const a = (row + x) * c, b = (row + W - 1 - x) * c;
      for (let k = 0; k < c; k++) image[a + k] = s.image[b + k];
    }
  }
  let label = s.label;
  if (s.label) {
    label = newLabel(s.label, s.label.length);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) label[y * W + x] = s.label[y * W + W - 1 - x];
  }
  return { ...s, image, label };
}

/** Mirrors a sample top–bottom. */
export function flipVertical(s: WorkSample): WorkSample {
  const { width: W, height: H, channels: c } = s;
  const image = new Float32Array(s.image.length);
  for (let y = 0; y < H; y++) image.set(s.image.subarray((H - 1 - y) * W * c, (H - y) * W * c), y * W * c);
  let label = s.label;
  if (s.label) {
    label = newLabel(s.label, s.label.length);
    for (let y = 0; y < H; y++) label.set(s.label.subarray((H - 1 - y) * W, (H - y) * W), y * W);
  }
  return { ...s, image, label };
}

function flip(
  type: "RandomHorizontalFlip" | "RandomVerticalFlip",
  dflt: number,
  raw: Record<string, unknown>,
): Transform {
  const p = new Params(type, raw, ["prob"]);
  const prob = p.number("prob", dflt, (v) => (v >= 0 && v <= 1 ? null : "in [0, 1]"));
  const fn = type === "RandomHorizontalFlip" ? flipHorizontal : flipVertical;
  return { type, params: p.used, apply: (s: WorkSample, rng: Rng) => (rng.next() < prob ? fn(s) : s) };
}

/** Builds a `RandomHorizontalFlip` transform. */
export const randomHorizontalFlip = (raw: Record<string, unknown>): Transform =>
  flip("RandomHorizontalFlip", 0.5, raw);
/** Builds a `RandomVerticalFlip` transform. */
export const randomVerticalFlip = (raw: Record<string, unknown>): Transform =>
  flip("RandomVerticalFlip", 0.1, raw);
