/**
 * `SplitV` for `wasm` (the gradient of `concat`, e.g. of every U-Net skip connection) on top of
 * seglab's in-place {@link ./slice.ts}.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { callOriginal, type KernelArgs, type TensorInfo } from "./heap.ts";
import { sliceInfo } from "./slice.ts";

/** The kernel function. */
export function splitV(args: KernelArgs): TensorInfo[] {
  const { x } = args.inputs;
  if (x.dtype === "string") return callOriginal("SplitV", args) as unknown as TensorInfo[];
  const axis = tf.util.parseAxisParam(args.attrs.axis as number, x.shape)[0];
  const sizes = tf.backend_util.prepareSplitSize(
    x as unknown as tf.Tensor,
    args.attrs.numOrSizeSplits as number[] | number,
    axis,
  );
  const begin = x.shape.map(() => 0);
  return sizes.map((s) => {
    const size = [...x.shape];
    size[axis] = s;
    const out = sliceInfo(args.backend, x, begin, size);
    begin[axis] += s;
    return out;
  });
}
