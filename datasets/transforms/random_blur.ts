/**
 * `RandomBlur(prob=0.1, blur_type="gaussian")`: blurs the image (never the label) with an odd
 * kernel size drawn from {3, 5, 7, 9}, in one of n = int(1/prob) draws (PaddleSeg's rule, so the
 * rate is 1/int(1/prob)). `blur_type`: `gaussian` (OpenCV's kernel for sigma 0), `median`,
 * `blur` (box mean) or `random` (one of the three: 30/30/40 %). As in PaddleSeg the image is
 * first cast to 8 bits and the result rounded; borders mirror (`reflect_101`), the median
 * repeats the edge.
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import type { Transform, WorkSample } from "./sample.ts";

/** OpenCV's 1-D Gaussian kernel for `ksize` and sigma ≤ 0 (its fixed tables up to 7). */
export function gaussianKernel(ksize: number): number[] {
  const fixed: Record<number, number[]> = {
    1: [1],
    3: [0.25, 0.5, 0.25],
    5: [0.0625, 0.25, 0.375, 0.25, 0.0625],
    7: [0.03125, 0.109375, 0.21875, 0.28125, 0.21875, 0.109375, 0.03125],
  };
  if (fixed[ksize]) return fixed[ksize];
  const sigma = 0.3 * ((ksize - 1) * 0.5 - 1) + 0.8;
  const k = Array.from(
    { length: ksize },
    (_, i) => Math.exp(-((i - (ksize - 1) / 2) ** 2) / (2 * sigma * sigma)),
  );
  const sum = k.reduce((a, b) => a + b, 0);
  return k.map((v) => v / sum);
}

function reflect101(i: number, n: number): number {
  if (n === 1) return 0;
  while (i < 0 || i >= n) i = i < 0 ? -i : 2 * n - 2 - i;
  return i;
}

/** Separable filter with the same 1-D kernel on rows and columns (reflect-101 borders). */
function separable(img: Float32Array, w: number, h: number, c: number, k: number[]): Float32Array {
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(img.length), out = new Float32Array(img.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let i = 0; i < k.length; i++) acc += k[i] * img[(y * w + reflect101(x + i - r, w)) * c + ch];
        tmp[(y * w + x) * c + ch] = acc;
      }
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let acc = 0;
        for (let i = 0; i < k.length; i++) acc += k[i] * tmp[(reflect101(y + i - r, h) * w + x) * c + ch];
        out[(y * w + x) * c + ch] = acc;
      }
    }
  }
  return out;
}

function median(img: Float32Array, w: number, h: number, c: number, ksize: number): Float32Array {
  const r = (ksize - 1) / 2, out = new Float32Array(img.length), win: number[] = [];
  const clamp = (i: number, n: number) => Math.min(n - 1, Math.max(0, i));
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        win.length = 0;
        for (let dy = -r; dy <= r; dy++) {
          for (let dx = -r; dx <= r; dx++) win.push(img[(clamp(y + dy, h) * w + clamp(x + dx, w)) * c + ch]);
        }
        win.sort((a, b) => a - b);
        out[(y * w + x) * c + ch] = win[(win.length - 1) / 2];
      }
    }
  }
  return out;
}

/** Blurs an HWC image (values cast to 8 bits first, results rounded). */
export function blurImage(
  s: WorkSample,
  kind: "gaussian" | "median" | "blur",
  ksize: number,
): Float32Array {
  const u8 = s.image.map((v) => Math.trunc(Math.min(255, Math.max(0, v))));
  const out = kind === "median" ? median(u8, s.width, s.height, s.channels, ksize) : separable(
    u8,
    s.width,
    s.height,
    s.channels,
    kind === "gaussian" ? gaussianKernel(ksize) : Array(ksize).fill(1 / ksize),
  );
  return out.map((v) => Math.min(255, Math.max(0, Math.round(v))));
}

/** Builds a `RandomBlur` transform. */
export function randomBlur(raw: Record<string, unknown>): Transform {
  const p = new Params("RandomBlur", raw, ["prob", "blur_type"]);
  const prob = p.number("prob", 0.1, (v) => (v >= 0 && v <= 1 ? null : "in [0, 1]"));
  const type = p.string("blur_type", "gaussian", ["gaussian", "median", "blur", "random"]);
  const n = prob <= 0 ? 0 : prob >= 1 ? 1 : Math.trunc(1 / prob);
  return {
    type: "RandomBlur",
    params: p.used,
    apply(s: WorkSample, rng: Rng): WorkSample {
      if (n === 0 || rng.int(n) !== 0) return s;
      let radius = 3 + rng.int(7); // 3…9
      if (radius % 2 !== 1) radius++;
      radius = Math.min(radius, 9);
      let kind = type as "gaussian" | "median" | "blur" | "random";
      if (kind === "random") {
        const u = rng.next();
        kind = u < 0.3 ? "gaussian" : u < 0.6 ? "median" : "blur";
      }
      return { ...s, image: blurImage(s, kind, radius) };
    },
  };
}
