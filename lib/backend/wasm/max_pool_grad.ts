/**
 * `MaxPoolGrad` for `wasm`, replacing the shipped kernel, which loses the gradient of every
 * window whose values are all ≤ 0 (its running maximum starts at the smallest positive float,
 * not at −∞), so pooling before an activation, after LeakyReLU/ELU or on raw features trained
 * wrong. Semantics of the `cpu` backend: the first maximum of a window (row-major) gets the
 * window's gradient; padding never wins.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { f32, type KernelArgs, type TensorInfo } from "./heap.ts";
import { kernelsFor } from "./simd/fused_simd.ts";

/** The kernel function. */
export function maxPoolGrad({ inputs, attrs, backend }: KernelArgs): TensorInfo {
  const { dy, input } = inputs;
  const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolGradAttrs;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number],
    filterSize,
    strides,
    1,
    pad,
    dimRoundingMode,
  );
  const { batchSize: n, inHeight: h, inWidth: w, inChannels: c, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const dx = backend.makeOutput(input.shape, "float32");
  const k = kernelsFor(backend);
  // The common 2×2 stride-2 pooling of even sizes (no padding, windows tile the input) in SIMD.
  if (
    k && fh === 2 && fw === 2 && sh === 2 && sw === 2 && pt === 0 && pl === 0 && h === 2 * oh &&
    w === 2 * ow && c % 4 === 0
  ) {
    const at = (i: TensorInfo) => backend.dataIdMap.get(i.dataId)!.memoryOffset;
    k.maxpool2_grad(at(input), at(dy), at(dx), n * oh, w * c * 4, ow * c * 4, c * 4);
    return dx;
  }
  const xs = f32(backend, input), gs = f32(backend, dy), out = f32(backend, dx);
  out.fill(0);
  const best = new Float32Array(c);
  const where = new Int32Array(c);
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const y0 = Math.max(0, y * sh - pt), y1 = Math.min(h, y * sh - pt + fh);
      for (let x = 0; x < ow; x++) {
        const x0 = Math.max(0, x * sw - pl), x1 = Math.min(w, x * sw - pl + fw);
        if (y0 >= y1 || x0 >= x1) continue;
        best.fill(-Infinity);
        const first = ((b * h + y0) * w + x0) * c;
        for (let k = 0; k < c; k++) where[k] = first + k;
        for (let yy = y0; yy < y1; yy++) {
          for (let xx = x0; xx < x1; xx++) {
            const off = ((b * h + yy) * w + xx) * c;
            for (let k = 0; k < c; k++) {
              const v = xs[off + k];
              if (v > best[k]) {
                best[k] = v;
                where[k] = off + k;
              }
            }
          }
        }
        const g = ((b * oh + y) * ow + x) * c;
        for (let k = 0; k < c; k++) out[where[k]] += gs[g + k];
      }
    }
  }
  return dx;
}
