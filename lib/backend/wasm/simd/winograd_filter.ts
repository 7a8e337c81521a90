/**
 * The filter transform of seglab's Winograd convolutions, `U = G g Gᵀ` per channel pair, run by
 * the SIMD kernels of `emit_winograd_filter.ts` on the helper threads, and where a filter's
 * elements are ({@linkcode FilterLayout}): the forward convolution reads the filter as it is, the
 * input gradient reads it flipped with its channels swapped.
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import type { WasmBackend } from "../heap.ts";
import { runSplit } from "./helper_threads.ts";
import { PAD } from "./emit_conv2d_winograd.ts";

/**
 * Where element `(i, j, c, o)` of a 3×3 filter is, in floats from the tensor's start:
 * `tap0 + i·ti + j·tj + c·sc + o·so` (strides may be negative).
 */
export interface FilterLayout {
  tap0: number;
  ti: number;
  tj: number;
  sc: number;
  so: number;
}

/** A `[3, 3, ci, co]` filter as it is. */
export function hwioLayout(ci: number, co: number): FilterLayout {
  return { tap0: 0, ti: 3 * ci * co, tj: ci * co, sc: co, so: 1 };
}

/**
 * A `[3, 3, ci, co]` filter rotated by 180° with its channels swapped (element `(i, j, c, o)` is
 * the filter's `(2 − i, 2 − j, o, c)`): the filter of a convolution's input gradient.
 */
export function flippedLayout(ci: number, co: number): FilterLayout {
  return { tap0: 8 * ci * co, ti: -3 * ci * co, tj: -ci * co, sc: 1, so: co };
}

/**
 * Channel pairs from which the transform is split across threads: below, waking a helper costs
 * more than it saves (64→64: 91 µs on one thread, 99 µs on two; 128→64: 179 and 140 µs).
 */
const SPLIT_PAIRS = 8192;

/**
 * `U` of F(`m`×`m`, 3×3) for a filter with `ci` input and `co` output channels (a multiple of 4)
 * laid out as `layout` says in `src`: new backend data packed `[(m+2)², ⌈co/8⌉, ci, 8]`, each
 * plane followed by `PAD` bytes (`emit_conv2d_winograd.ts`), zero past `co`.
 */
export function transformFilter(
  backend: WasmBackend,
  ci: number,
  co: number,
  src: tf.TensorInfo,
  layout: FilterLayout,
  m: 2 | 4,
): tf.TensorInfo {
  const cob = Math.ceil(co / 8);
  const out = backend.makeOutput([(m + 2) ** 2 * (cob * ci * 8 + PAD / 4)], "float32");
  const at = (i: tf.TensorInfo) => backend.dataIdMap.get(i.dataId)!.memoryOffset;
  const { tap0, ti, tj, sc, so } = layout;
  const args = [at(src), at(out), ci, co, cob, 4 * tap0, 4 * ti, 4 * tj, 4 * sc, 4 * so];
  const split = ci * co >= SPLIT_PAIRS;
  runSplit(backend, m === 2 ? "winograd_filter2" : "winograd_filter4", args, cob * ci, split);
  return out;
}
