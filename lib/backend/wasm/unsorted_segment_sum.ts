/**
 * `UnsortedSegmentSum` for `wasm` (missing in the shipped backend; it is the gradient of
 * `tf.gather`): `out[s, …] = Σ_{i : ids[i] = s} x[i, …]`, ids outside `[0, numSegments)` dropped
 * (TensorFlow's semantics). `segmentIds` may have any rank that prefixes `x`'s shape.
 * @module
 */
import { f32, i32, type KernelArgs, type TensorInfo } from "./heap.ts";

/** The kernel function. */
export function unsortedSegmentSum({ inputs, attrs, backend }: KernelArgs): TensorInfo {
  const { x, segmentIds } = inputs;
  const numSegments = attrs.numSegments as number;
  const rank = segmentIds.shape.length;
  const inner = x.shape.slice(rank).reduce((a, b) => a * b, 1);
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(rank)], x.dtype);
  const ids = i32(backend, segmentIds);
  if (x.dtype === "int32") {
    const src = i32(backend, x), dst = i32(backend, out);
    dst.fill(0);
    for (let r = 0; r < rows; r++) {
      const s = ids[r];
      if (s < 0 || s >= numSegments) continue;
      for (let k = 0, a = r * inner, b = s * inner; k < inner; k++) dst[b + k] += src[a + k];
    }
    return out;
  }
  const src = f32(backend, x), dst = f32(backend, out);
  dst.fill(0);
  for (let r = 0; r < rows; r++) {
    const s = ids[r];
    if (s < 0 || s >= numSegments) continue;
    for (let k = 0, a = r * inner, b = s * inner; k < inner; k++) dst[b + k] += src[a + k];
  }
  return out;
}
