/**
 * Zero-insertion ("spreading") of an NHWC tensor by a stride, with cropping: the building block
 * that turns the input gradient of a strided convolution into a stride-1 convolution.
 * @module
 */
import { f32, type TensorInfo, type WasmBackend } from "./heap.ts";

/** Rows/columns to crop (negative) or add as zeros (positive) on each side of a spread tensor. */
export interface Margins {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

/**
 * Places `x[n,h,w,c]` at `[n, h·sh + top, w·sw + left, c]` of a zero tensor of height
 * `(H−1)·sh + 1 + top + bottom` and width `(W−1)·sw + 1 + left + right`; negative margins crop.
 * Returns new backend data (free it with `release`).
 */
export function spreadNHWC(
  backend: WasmBackend,
  x: TensorInfo,
  sh: number,
  sw: number,
  m: Margins,
): TensorInfo {
  const [n, h, w, c] = x.shape;
  const oh = Math.max(0, (h - 1) * sh + 1 + m.top + m.bottom);
  const ow = Math.max(0, (w - 1) * sw + 1 + m.left + m.right);
  const out = backend.makeOutput([n, oh, ow, c], "float32");
  const src = f32(backend, x);
  const dst = f32(backend, out);
  dst.fill(0);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < h; y++) {
      const ty = y * sh + m.top;
      if (ty < 0 || ty >= oh) continue;
      const srcRow = (b * h + y) * w * c;
      const dstRow = (b * oh + ty) * ow * c;
      for (let xx = 0; xx < w; xx++) {
        const tx = xx * sw + m.left;
        if (tx < 0 || tx >= ow) continue;
        const s = srcRow + xx * c, d = dstRow + tx * c;
        for (let k = 0; k < c; k++) dst[d + k] = src[s + k];
      }
    }
  }
  return out;
}
