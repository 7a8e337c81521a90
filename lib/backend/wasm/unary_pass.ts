/**
 * A float32 element-wise kernel for `wasm` as one pass of a SIMD kernel `(x, y, bytes)` over whole
 * groups of 4 values, the last `n mod 4` through the same kernel from a 16-byte scratch (so every
 * value gets the same arithmetic); other dtypes, or a heap without the SIMD module, run the shipped
 * kernel. `Relu` and `Exp` use it.
 * @module
 */
import { callOriginal, type KernelArgs, type TensorInfo } from "./heap.ts";
import { kernelsFor } from "./simd/fused_simd.ts";
import type { SimdKernels } from "./simd/kernels.ts";

/** The kernel function for `name`, running the SIMD kernel `simd` of the module. */
export function unaryPass(name: string, simd: "relu" | "exp_f32"): (args: KernelArgs) => TensorInfo {
  return (args) => {
    const { x } = args.inputs;
    const b = args.backend;
    const k: SimdKernels | null = x.dtype === "float32" ? kernelsFor(b) : null;
    if (!k) return callOriginal(name, args);
    const out = b.makeOutput(x.shape, "float32");
    const n = x.shape.reduce((p, d) => p * d, 1), n4 = n & ~3;
    const at = (i: TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;
    k[simd](at(x), at(out), n4 * 4);
    if (n4 === n) return out;
    const base = b.wasm._malloc(32) >>> 0, tmp = ((base + 15) & ~15) >>> 0;
    try {
      const heap = () => new Float32Array(b.wasm.HEAPU8.buffer);
      heap().copyWithin(tmp / 4, at(x) / 4 + n4, at(x) / 4 + n);
      k[simd](tmp, tmp, 16);
      heap().copyWithin(at(out) / 4 + n4, tmp / 4, tmp / 4 + n - n4);
    } finally {
      b.wasm._free(base);
    }
    return out;
  };
}
