/**
 * Resizing with OpenCV's `cv2.resize` geometry: `INTER_LINEAR` (half-pixel centres, edge
 * clamping as OpenCV does) for images and `INTER_NEAREST` (`floor(x · src/dst)`) for labels,
 * so a PaddleSeg pipeline's pixels land where they would in Python.
 * @module
 */
import type { LabelArray } from "./sample.ts";
import { newLabel } from "./sample.ts";

interface Taps {
  i0: Int32Array;
  i1: Int32Array;
  w1: Float32Array;
}

function linearTaps(src: number, dst: number): Taps {
  const scale = src / dst;
  const i0 = new Int32Array(dst), i1 = new Int32Array(dst), w1 = new Float32Array(dst);
  for (let x = 0; x < dst; x++) {
    let f = (x + 0.5) * scale - 0.5;
    let s = Math.floor(f);
    f -= s;
    if (s < 0) {
      f = 0;
      s = 0;
    }
    if (s >= src - 1) {
      f = 0;
      s = src - 1;
    }
    i0[x] = s;
    i1[x] = Math.min(s + 1, src - 1);
    w1[x] = f;
  }
  return { i0, i1, w1 };
}

/** Bilinear resize of an HWC float image (`cv2.INTER_LINEAR`). */
export function resizeBilinear(
  src: Float32Array,
  sh: number,
  sw: number,
  c: number,
  dh: number,
  dw: number,
): Float32Array {
  if (dh === sh && dw === sw) return src.slice();
  const out = new Float32Array(dh * dw * c);
  const xs = linearTaps(sw, dw), ys = linearTaps(sh, dh);
  // Horizontal pass per needed source row, cached for the two rows a destination row uses.
  const rowA = new Float32Array(dw * c), rowB = new Float32Array(dw * c);
  let ra = -1, rb = -1;
  const hpass = (y: number, row: Float32Array) => {
    const base = y * sw * c;
    for (let x = 0; x < dw; x++) {
      const a = base + xs.i0[x] * c, b = base + xs.i1[x] * c, w = xs.w1[x], o = x * c;
      for (let k = 0; k < c; k++) {
        const va = src[a + k];
        row[o + k] = va + (src[b + k] - va) * w;
      }
    }
  };
  let A = rowA, B = rowB;
  for (let y = 0; y < dh; y++) {
    const y0 = ys.i0[y], y1 = ys.i1[y], wy = ys.w1[y];
    if (ra !== y0) {
      if (rb === y0) {
        const t = A;
        A = B;
        B = t;
        ra = y0;
        rb = -1;
      } else {
        hpass(y0, A);
        ra = y0;
      }
    }
    const o = y * dw * c;
    if (wy === 0) {
      out.set(A, o);
      continue;
    }
    if (rb !== y1) {
      hpass(y1, B);
      rb = y1;
    }
    for (let i = 0; i < dw * c; i++) out[o + i] = A[i] + (B[i] - A[i]) * wy;
  }
  return out;
}

function nearestIndex(src: number, dst: number): Int32Array {
  const ifx = 1 / (dst / src);
  const idx = new Int32Array(dst);
  for (let x = 0; x < dst; x++) idx[x] = Math.min(Math.floor(x * ifx), src - 1);
  return idx;
}

/** Nearest-neighbour resize of a label map (`cv2.INTER_NEAREST`). */
export function resizeNearestLabel(
  src: LabelArray,
  sh: number,
  sw: number,
  dh: number,
  dw: number,
): LabelArray {
  if (dh === sh && dw === sw) return src.slice();
  const out = newLabel(src, dh * dw);
  const xs = nearestIndex(sw, dw), ys = nearestIndex(sh, dh);
  for (let y = 0; y < dh; y++) {
    const sr = ys[y] * sw, o = y * dw;
    for (let x = 0; x < dw; x++) out[o + x] = src[sr + xs[x]];
  }
  return out;
}

/** Nearest-neighbour resize of an HWC float image (`cv2.INTER_NEAREST`). */
export function resizeNearestImage(
  src: Float32Array,
  sh: number,
  sw: number,
  c: number,
  dh: number,
  dw: number,
): Float32Array {
  if (dh === sh && dw === sw) return src.slice();
  const out = new Float32Array(dh * dw * c);
  const xs = nearestIndex(sw, dw), ys = nearestIndex(sh, dh);
  for (let y = 0; y < dh; y++) {
    const sr = ys[y] * sw;
    for (let x = 0; x < dw; x++) {
      const s = (sr + xs[x]) * c, o = (y * dw + x) * c;
      for (let k = 0; k < c; k++) out[o + k] = src[s + k];
    }
  }
  return out;
}

/** Python's `round` (half to even), which PaddleSeg uses for target sizes. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
