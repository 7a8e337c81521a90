/**
 * A direct 2-D convolution (NHWC) as a SIMD kernel over the wasm heap, split across threads —
 * seglab's input gradient of a convolution (a stride-1 convolution of the spread output
 * gradient with the flipped filter; see {@link ../conv2d_backprop_input.ts}):
 * `y[b, r, u, o] = Σ_{i, j, c} x[b, r·sh + i·dh − pt, u·sw + j·dw − pl, c] · w[i, j, c, o]`,
 * zero outside `x`.
 *
 * A tile is 4 output pixels of a row × 8 output channels (32 sums in registers) reduced over
 * every tap and input channel; the filter is packed as `[tap, o-block, c, 8]` so each channel's
 * 8 weights are two vector loads at constant offsets. Pixel groups that meet the border take a
 * per-pixel path. Threads take disjoint ranges of (output row, o-block) items.
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import { f32, type WasmBackend } from "../heap.ts";
import { kernelsFor } from "./fused_simd.ts";
import { runSplit } from "./helper_threads.ts";

/**
 * Packs a filter of shape `[kh, kw, ci, co]` as `[kh·kw, ⌈co/8⌉, ci, 8]` (zero-filled past `co`)
 * into new backend data; element `(i, j, c, o)` is `src`'s flat element `index(i, j, c, o)`.
 */
export function packFilter(
  backend: WasmBackend,
  shape: [number, number, number, number],
  src: tf.TensorInfo,
  index: (i: number, j: number, c: number, o: number) => number,
): tf.TensorInfo {
  const [kh, kw, ci, co] = shape, cob = Math.ceil(co / 8);
  const out = backend.makeOutput([kh * kw * cob * ci * 8], "float32");
  const d = f32(backend, out), s = f32(backend, src); // views taken after the allocation
  d.fill(0);
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) {
          d[((((i * kw + j) * cob + (o >> 3)) * ci + c) << 3) + (o & 7)] = s[index(i, j, c, o)];
        }
      }
    }
  }
  return out;
}

const ptr = (b: WasmBackend, i: tf.TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;

/** Whether {@linkcode conv2dDirect} runs here for `co` output channels. */
export function conv2dDirectApplies(backend: WasmBackend, co: number): boolean {
  return co % 4 === 0 && kernelsFor(backend) !== null;
}

/**
 * `y` (new backend data, `[n, oh, ow, co]`) for NHWC `x` and a filter packed by {@linkcode packFilter};
 * check {@linkcode conv2dDirectApplies} first.
 */
export function conv2dDirect(
  backend: WasmBackend,
  x: tf.TensorInfo,
  packed: tf.TensorInfo,
  p: {
    kh: number;
    kw: number;
    co: number;
    oh: number;
    ow: number;
    sh: number;
    sw: number;
    dh: number;
    dw: number;
    pt: number;
    pl: number;
  },
): tf.TensorInfo {
  const [n, h, w, ci] = x.shape;
  const y = backend.makeOutput([n, p.oh, p.ow, p.co], "float32");
  const args = [ptr(backend, x), ptr(backend, packed), ptr(backend, y), n, h, w, ci, p.oh, p.ow, p.co];
  runSplit(
    backend,
    "conv2d_direct",
    [...args, p.kh, p.kw, p.sh, p.sw, p.dh, p.dw, p.pt, p.pl],
    n * p.oh * Math.ceil(p.co / 8),
  );
  return y;
}
