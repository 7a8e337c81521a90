/**
 * The fused Adam update on `wasm`: the SIMD kernel `adam_update` (`emit_adam.ts`) over whole
 * groups of 4 floats, `adamMath` (the same operations in JavaScript) over the rest — one
 * variable at a time, on the calling thread (the U-Net's 490k parameters take well under a
 * millisecond; JavaScript alone took 3.5 ms).
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import { f32, type WasmBackend } from "../heap.ts";
import { kernelsFor } from "./fused_simd.ts";
import { type AdamAttrs, adamMath, adamScalars } from "../../fused/adam_math.ts";

/** Fills `out` (`[value′, m′, v′]`, allocated by the caller) from `value`, `m`, `v`, `g`. */
export function adamSimd(
  b: WasmBackend,
  inputs: { value: tf.TensorInfo; m: tf.TensorInfo; v: tf.TensorInfo; g: tf.TensorInfo },
  a: AdamAttrs,
  out: [tf.TensorInfo, tf.TensorInfo, tf.TensorInfo],
): void {
  const { value, m, v, g } = inputs;
  const ptr = (i: tf.TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;
  const n = value.shape.reduce((p, d) => p * d, 1), n4 = n & ~3;
  const tensors = [value, m, v, g, ...out];
  kernelsFor(b)!.adam_update(...tensors.map(ptr), n4 * 4, ...adamScalars(a));
  if (n4 === n) return;
  const [vs, ms, vvs, gs, o0, o1, o2] = tensors.map((t) => f32(b, t).subarray(n4));
  adamMath(vs, ms, vvs, gs, a, [o0, o1, o2]);
}
