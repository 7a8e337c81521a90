/**
 * The last step of the Winograd weight gradients (`conv_filter_grad_winograd.ts`): add the partial
 * sums `M_k` (`[α², ci, cop]` each, in item order) and apply `dW = Gᵀ M G` per channel pair, in
 * float64, for F(2×2, 3×3) (α = 4; `G`'s last row negated, as the kernel's `A` is) and F(4×4, 3×3)
 * (α = 6, the points of `conv2d_winograd.ts`). The SIMD kernels of `emit_winograd_filter_final.ts`
 * do it on the helper threads, input channel by input channel (it was single-threaded JavaScript,
 * the same operations in the same order: the bits did not change).
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import type { WasmBackend } from "../heap.ts";
import { runSplit } from "./helper_threads.ts";

/**
 * `dW` (new backend data, `[3, 3, ci, co]`) from the `items` partial sums at byte offset `parts` of
 * an F(`m`×`m`, 3×3) weight gradient, `cop` channels per row of each.
 */
export function winogradFilterFinal(
  backend: WasmBackend,
  parts: number,
  m: 2 | 4,
  items: number,
  ci: number,
  co: number,
  cop: number,
): tf.TensorInfo {
  const out = backend.makeOutput([3, 3, ci, co], "float32");
  const at = backend.dataIdMap.get(out.dataId)!.memoryOffset;
  runSplit(backend, m === 2 ? "winograd_final2" : "winograd_final4", [parts, at, items, ci, co, cop], ci);
  return out;
}
