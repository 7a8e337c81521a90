/**
 * `Cast` for `wasm` to the dtype a tensor already has, without a copy (as the cpu backend does):
 * the softmax cross entropy casts its float32 logits and labels to float32 — six full-size copies
 * per U-Net step on the shipped kernel. Every other cast runs the shipped kernel.
 * @module
 */
import { callOriginal, type KernelArgs, type TensorInfo } from "./heap.ts";
import { identity } from "./identity.ts";

/** The kernel function. */
export function cast(args: KernelArgs): TensorInfo {
  const { x } = args.inputs;
  return x.dtype === args.attrs.dtype && x.dtype !== "string" ? identity(args) : callOriginal("Cast", args);
}
