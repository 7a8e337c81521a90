/**
 * Copies between typed arrays that are fast for short runs too: `TypedArray.set` costs a fixed
 * ~100 ns per call, which dominated the shipped wasm Concat/Slice on NHWC tensors whose rows are
 * a few channels long.
 * @module
 */

/** Any typed array the wasm backend hands out. */
export type Heap = Float32Array | Int32Array | Uint8Array;

/** `dst[d … d+n) = src[s … s+n)`. */
export function copyRun(src: Heap, s: number, dst: Heap, d: number, n: number): void {
  if (n >= 64) {
    dst.set(src.subarray(s, s + n), d);
    return;
  }
  for (let k = 0; k < n; k++) dst[d + k] = src[s + k];
}
