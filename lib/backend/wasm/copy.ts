/**
 * Strided row copies between tensors in the wasm heap: `memory.copy` from seglab's SIMD module
 * when it is available (one call for all rows), JavaScript otherwise. `TypedArray.set` costs a
 * fixed ~100 ns per call, which dominated the shipped wasm Concat/Slice on NHWC tensors whose
 * rows are a few channels long.
 * @module
 */
import type { TensorInfo, WasmBackend } from "./heap.ts";
import { kernelsFor } from "./simd/fused_simd.ts";

/** Any typed array the wasm backend hands out. */
export type Heap = Float32Array | Int32Array | Uint8Array;

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1 };

/**
 * For `i < rows`: copies `run` elements from `src[srcAt + i·srcStride]` to
 * `dst[dstAt + i·dstStride]` (element offsets; both tensors of the same dtype).
 */
export function copyRows(
  backend: WasmBackend,
  src: TensorInfo,
  srcAt: number,
  dst: TensorInfo,
  dstAt: number,
  rows: number,
  run: number,
  srcStride: number,
  dstStride: number,
): void {
  if (rows <= 0 || run <= 0) return;
  const k = kernelsFor(backend);
  const size = BYTES[src.dtype] ?? 4;
  if (k) {
    const s = backend.dataIdMap.get(src.dataId)!.memoryOffset,
      d = backend.dataIdMap.get(dst.dataId)!.memoryOffset;
    k.copy2d(s + srcAt * size, d + dstAt * size, rows, run * size, srcStride * size, dstStride * size);
    return;
  }
  const a = backend.typedArrayFromHeap(src) as Heap, b = backend.typedArrayFromHeap(dst) as Heap;
  for (let i = 0; i < rows; i++) {
    const s = srcAt + i * srcStride, d = dstAt + i * dstStride;
    if (run >= 64) b.set(a.subarray(s, s + run), d);
    else for (let j = 0; j < run; j++) b[d + j] = a[s + j];
  }
}
