/**
 * `DepthwiseConv2dNativeBackpropFilter` for `wasm` (missing in the shipped backend): one pass
 * over the heap,
 * `dW[kh,kw,c,m] = Σ_{n,oh,ow} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, c] · dy[n,oh,ow,c·M+m]`,
 * each output row's sums in float32, accumulated in float64. In seglab's SIMD module for channel
 * multiplier 1 and channels divisible by 4 (~10× faster), JavaScript otherwise. Honours dilations.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { f32, type KernelArgs, type TensorInfo } from "./heap.ts";
import { kernelsFor } from "./simd/fused_simd.ts";

/** The kernel function. */
export function depthwiseConv2dNativeBackpropFilter({ inputs, attrs, backend }: KernelArgs): TensorInfo {
  const { x, dy } = inputs;
  const { strides, pad, dimRoundingMode, filterShape } =
    attrs as unknown as tf.DepthwiseConv2dNativeBackpropFilterAttrs;
  const dilations = (attrs.dilations ?? 1) as number | [number, number];
  const info = tf.backend_util.computeConv2DInfo(
    x.shape as [number, number, number, number],
    filterShape,
    strides,
    dilations,
    pad,
    dimRoundingMode,
    true,
  );
  const [kh, kw, c, m] = filterShape;
  const cm = c * m;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const out = backend.makeOutput([kh, kw, c, m], "float32");
  const k = kernelsFor(backend);
  if (k && m === 1 && c % 4 === 0) {
    const taps = kh * kw * c;
    const scratch = backend.wasm._malloc(taps * 12 + 32) >>> 0;
    try {
      const acc32 = ((scratch + 15) & ~15) >>> 0, acc64 = ((acc32 + taps * 4 + 15) & ~15) >>> 0;
      new Float64Array(backend.wasm.HEAPU8.buffer, acc64, taps).fill(0);
      const at = (t: TensorInfo) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
      k.dw_filter_grad(at(x), at(dy), acc32, acc64, n, h, w, c * 4, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl);
      f32(backend, out).set(new Float64Array(backend.wasm.HEAPU8.buffer, acc64, taps));
    } finally {
      backend.wasm._free(scratch);
    }
    return out;
  }
  const xs = f32(backend, x), gs = f32(backend, dy), dst = f32(backend, out);
  const acc = new Float64Array(kh * kw * cm);
  const row = new Float64Array(kw * cm); // one row of taps, summed over an output row
  for (let b = 0; b < n; b++) {
    for (let y = 0; y < oh; y++) {
      const gRow = ((b * oh + y) * ow) * cm;
      for (let i = 0; i < kh; i++) {
        const xy = y * sh + i * dh - pt;
        if (xy < 0 || xy >= h) continue;
        const xRow = (b * h + xy) * w * c;
        row.fill(0);
        for (let j = 0; j < kw; j++) {
          const r0 = j * cm;
          for (let xo = 0; xo < ow; xo++) {
            const xx = xo * sw + j * dw - pl;
            if (xx < 0 || xx >= w) continue;
            const xOff = xRow + xx * c, gOff = gRow + xo * cm;
            if (m === 1) {
              for (let k = 0; k < c; k++) row[r0 + k] += xs[xOff + k] * gs[gOff + k];
            } else {
              for (let k = 0; k < c; k++) {
                const v = xs[xOff + k];
                for (let q = 0; q < m; q++) row[r0 + k * m + q] += v * gs[gOff + k * m + q];
              }
            }
          }
        }
        const a0 = i * kw * cm;
        for (let k = 0; k < kw * cm; k++) acc[a0 + k] += row[k];
      }
    }
  }
  for (let k = 0; k < acc.length; k++) dst[k] = acc[k];
  return out;
}
