/**
 * `Identity` for `wasm` without a copy. TensorFlow.js clones every tensor it saves for the
 * backward pass (`Engine.clone` runs `Identity`), and the shipped wasm kernel copied the data each
 * time: ~500 copies per U-Net step, doubling the heap held by saved activations. Tensors are
 * immutable, so — as the cpu and webgl backends do — the clone shares the data, with one more
 * reference.
 * @module
 */
import { callOriginal, type KernelArgs, type TensorInfo } from "./heap.ts";

/** The kernel function. */
export function identity(args: KernelArgs): TensorInfo {
  const { x } = args.inputs;
  if (x.dtype === "string") return callOriginal("Identity", args);
  args.backend.incRef(x.dataId);
  return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
}
