/**
 * `Conv2DBackpropFilter` for `wasm` (the shipped backend has none, so no conv2d, fused conv2d,
 * separable or transposed convolution could train). The weight gradient
 * `dW[kh,kw,ci,co] = Σ_{n,oh,ow} x[n, oh·sh + kh·dh − pt, ow·sw + kw·dw − pl, ci] · dy[n,oh,ow,co]`
 * runs on seglab's SIMD tile kernel ({@link ./simd/conv_filter_grad.ts}: every thread, no copy of
 * `x`) whenever `Co` is a multiple of 4. Otherwise it is a convolution too, on the backend's
 * XNNPACK `Conv2D`: of `x` transposed to `[Ci,H,W,N]` (the batch becomes the channels) with `dy`
 * transposed to `[OH,OW,N,Co]` as the filter, stride = the dilation and dilation = the stride.
 * Honours a `dilations` attribute.
 *
 * On that fallback, with a horizontal stride of 1 the batch alone is a poor reduction axis for
 * XNNPACK (4 channels per tap): `x` is laid out with the KW horizontally shifted copies of
 * each row (contiguous runs), so each tap reduces over `OW·N` channels, the convolution runs
 * along H only, and the reduction is split into cache-sized chunks.
 * @module
 */
import { tf } from "../../core/tf.ts";
import {
  callKernel,
  f32,
  type KernelArgs,
  release,
  releaseView,
  type TensorInfo,
  viewInfo,
  type WasmBackend,
} from "./heap.ts";
import { transposeInfo } from "./conv2d_backprop_input.ts";
import { kernelsFor } from "./simd/fused_simd.ts";
import { convFilterGradSimd } from "./simd/conv_filter_grad.ts";
import { convFilterGradWinograd, filterGradParts } from "./simd/conv_filter_grad_winograd.ts";
import { winogradShape } from "./conv2d.ts";
import { runConv3x3, winograd4Preferred } from "./conv3x3_choice.ts";

/** The kernel function. */
export function conv2DBackpropFilter({ inputs, attrs, backend }: KernelArgs): TensorInfo {
  let { x, dy } = inputs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } =
    attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const dilations = (attrs.dilations ?? 1) as number | [number, number];
  const temps: TensorInfo[] = [];
  try {
    if (dataFormat === "NCHW") {
      x = transposeInfo(backend, x, [0, 2, 3, 1]);
      dy = transposeInfo(backend, dy, [0, 2, 3, 1]);
      temps.push(x, dy);
    }
    const info = tf.backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      filterShape,
      strides,
      dilations,
      pad,
      dimRoundingMode,
      false,
      "channelsLast",
    );
    const [kh, kw, ci, co] = filterShape;
    const winograd = winogradFilterGrad(backend, x, dy, info, ci, co);
    if (winograd) {
      const shape = `dw x${x.shape.join("x")} co${co} p${info.padInfo.top},${info.padInfo.left}`;
      const direct = () => convFilterGradSimd(backend, x, dy, info, filterShape)!;
      return runConv3x3(shape, direct, winograd.w2, winograd.w4);
    }
    const fast = convFilterGradSimd(backend, x, dy, info, filterShape);
    if (fast) return fast;
    const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
    const { inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
    const pt = info.padInfo.top, pl = info.padInfo.left;
    // Bottom/right padding so that the "output" of the transposed conv covers all KH×KW taps.
    const pb = Math.max(0, (kh - 1) * dh + (oh - 1) * sh + 1 - h - pt);
    const pr = Math.max(0, (kw - 1) * dw + (ow - 1) * sw + 1 - w - pl);
    if (sw === 1 && ow > 1) return rowsFilterGrad(backend, x, dy, info, filterShape, temps);
    const xT = transposeInfo(backend, x, [3, 1, 2, 0]); // [Ci,H,W,N]
    temps.push(xT);
    const dyT = transposeInfo(backend, dy, [1, 2, 0, 3]); // [OH,OW,N,Co]
    temps.push(dyT);
    let g = callKernel("Conv2D", { x: xT, filter: dyT }, {
      strides: [dh, dw],
      dilations: [sh, sw],
      pad: [[0, 0], [pt, pb], [pl, pr], [0, 0]],
      dataFormat: "NHWC",
    }, backend); // [Ci, ≥KH, ≥KW, Co]
    if (g.shape[1] !== kh || g.shape[2] !== kw) {
      temps.push(g);
      g = callKernel("Slice", { x: g }, { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] }, backend);
    }
    temps.push(g);
    return transposeInfo(backend, g, [1, 2, 0, 3]);
  } finally {
    release(backend, ...temps);
  }
}

/**
 * The Winograd weight gradients, F(2×2, 3×3) and F(4×4, 3×3) (with whether the fixed rule
 * prefers it), where they apply and pay (see `conv_filter_grad_winograd.ts`), else null.
 */
function winogradFilterGrad(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  ci: number,
  co: number,
): { w2: () => TensorInfo; w4: { run: () => TensorInfo; preferred: boolean } | null } | null {
  if (!winogradShape(backend, info, ci, co) || filterGradParts(backend, dy.shape, ci, 2) === 0) return null;
  const pad = { pt: info.padInfo.top, pl: info.padInfo.left };
  const w2 = () => convFilterGradWinograd(backend, x, dy, pad, 2)!;
  if (filterGradParts(backend, dy.shape, ci, 4) === 0) return { w2, w4: null };
  const run = () => convFilterGradWinograd(backend, x, dy, pad, 4)!;
  return { w2, w4: { run, preferred: winograd4Preferred(info.outHeight, info.outWidth, ci, co) } };
}

/** Bytes of `dy` one chunk's convolution may use as its filter (XNNPACK re-reads it per output tile). */
const FILTER_CHUNK_BYTES = 256 * 1024;

/**
 * The horizontal-stride-1 path. `x` is laid out as `[H, Ci·KW, OW·N]` (row h, then for each input
 * channel the KW shifted runs of OW columns × N images), `dy` as the filter `[OH, 1, OW·N, Co]`;
 * a convolution along H only (stride = dilation_h, dilation = stride_h) gives `[KH, Ci·KW, Co]`.
 * The reduction runs over OH·OW·N, so it is split into chunks of output rows whose part of `dy`
 * stays in cache, each a convolution over views into the two buffers; the partial results are
 * summed. Returns `[KH, KW, Ci, Co]`.
 */
function rowsFilterGrad(
  backend: WasmBackend,
  x: TensorInfo,
  dy: TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
  temps: TensorInfo[],
): TensorInfo {
  const [kh, kw, ci, co] = filterShape;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, dilationHeight: dh, dilationWidth: dw } = info;
  const pt = info.padInfo.top, pl = info.padInfo.left;
  const run = ow * n, cols = ci * kw;
  const xs = backend.makeOutput([1, h, cols, run], "float32");
  temps.push(xs);
  const k = kernelsFor(backend);
  if (k) {
    // One pass in the SIMD module (pad, transpose and the KW shifted runs at once).
    const at = (i: TensorInfo) => backend.dataIdMap.get(i.dataId)!.memoryOffset;
    k.im2row(at(x), at(xs), n, h, w, ci, kw, ow, dw, pl);
  } else {
    // Pad x along W so that every tap's run of OW columns is in range, transpose, copy the runs.
    const wp = Math.max(w + pl, (kw - 1) * dw + ow);
    const xp = pl > 0 || wp > w
      ? callKernel("PadV2", { x }, {
        paddings: [[0, 0], [0, 0], [pl, wp - w - pl], [0, 0]],
        constantValue: 0,
      }, backend)
      : x;
    if (xp !== x) temps.push(xp);
    const xT = transposeInfo(backend, xp, [1, 3, 2, 0]); // [H, Ci, Wp, N]
    temps.push(xT);
    const src = f32(backend, xT), dst = f32(backend, xs);
    const srcRow = wp * n;
    for (let r = 0, s0 = 0, d0 = 0; r < h * ci; r++, s0 += srcRow) {
      for (let j = 0; j < kw; j++, d0 += run) {
        dst.set(src.subarray(s0 + j * dw * n, s0 + j * dw * n + run), d0);
      }
    }
  }
  const dyT = transposeInfo(backend, dy, [1, 2, 0, 3]); // [OH, OW, N, Co]
  temps.push(dyT);
  const rowsPerChunk = Math.max(1, Math.min(oh, Math.floor(FILTER_CHUNK_BYTES / (run * co * 4))));
  const acc = new Float32Array(kh * cols * co);
  for (let r0 = 0; r0 < oh; r0 += rowsPerChunk) {
    const rows = Math.min(rowsPerChunk, oh - r0);
    const first = r0 * sh - pt, last = (r0 + rows - 1) * sh - pt + (kh - 1) * dh; // input rows used
    const lo = Math.max(0, first), hi = Math.min(h, last + 1);
    if (hi <= lo) continue; // the chunk only sees padding
    const input = viewInfo(backend, xs, lo * cols * run, [1, hi - lo, cols, run]);
    const filter = viewInfo(backend, dyT, r0 * run * co, [rows, 1, run, co]);
    let part: TensorInfo;
    try {
      part = callKernel("Conv2D", { x: input, filter }, {
        strides: [dh, 1],
        dilations: [sh, 1],
        pad: [[0, 0], [lo - first, last + 1 - hi], [0, 0], [0, 0]],
        dataFormat: "NHWC",
      }, backend); // [1, KH, Ci·KW, Co]
    } finally {
      releaseView(backend, input);
      releaseView(backend, filter);
    }
    const p = f32(backend, part);
    for (let k = 0; k < acc.length; k++) acc[k] += p[k];
    release(backend, part);
  }
  // [KH, Ci, KW, Co] → [KH, KW, Ci, Co]
  const out = backend.makeOutput([kh, kw, ci, co], "float32");
  const dst = f32(backend, out);
  for (let a = 0; a < kh; a++) {
    for (let c = 0; c < ci; c++) {
      for (let b = 0; b < kw; b++) {
        const s0 = ((a * ci + c) * kw + b) * co, d0 = ((a * kw + b) * ci + c) * co;
        for (let o = 0; o < co; o++) dst[d0 + o] = acc[s0 + o];
      }
    }
  }
  return out;
}
