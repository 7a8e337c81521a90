/**
 * `Exp` for `wasm` as one SIMD pass ({@link ./simd/emit_exp.ts}: within 2 units in the last place,
 * ±∞, 0 and NaN as `Math.exp` gives them) instead of the shipped scalar loop (~5 ns per value; the
 * softmax cross entropy of the reference U-Net takes three per step). Other dtypes, and a tail
 * past a multiple of 4 values, go through `Math.exp`.
 * @module
 */
import { callOriginal, type KernelArgs, type TensorInfo } from "./heap.ts";
import { kernelsFor } from "./simd/fused_simd.ts";

/** The kernel function. */
export function exp(args: KernelArgs): TensorInfo {
  const { x } = args.inputs;
  const b = args.backend;
  const k = x.dtype === "float32" ? kernelsFor(b) : null;
  if (!k) return callOriginal("Exp", args);
  const out = b.makeOutput(x.shape, "float32");
  const n = x.shape.reduce((p, d) => p * d, 1), n4 = n & ~3;
  const px = b.dataIdMap.get(x.dataId)!.memoryOffset, py = b.dataIdMap.get(out.dataId)!.memoryOffset;
  k.exp(px, py, n4 * 4);
  if (n4 < n) {
    const src = new Float32Array(b.wasm.HEAPU8.buffer, px, n),
      dst = new Float32Array(b.wasm.HEAPU8.buffer, py, n);
    for (let i = n4; i < n; i++) dst[i] = Math.exp(src[i]);
  }
  return out;
}
