/**
 * `Slice` for `wasm` reading the heap in place: the shipped kernel copied the whole input out of
 * the heap (`readSync`) before every slice, so `split` (the gradient of `concat`) copied its
 * input once per output.
 * @module
 */
import { tf } from "../tf.ts";
import { callOriginal, type KernelArgs, type TensorInfo, type WasmBackend } from "./heap.ts";
import { copyRun, type Heap } from "./copy.ts";

/** Copies the box `begin … begin+size` of `x` into new backend data. */
export function sliceInfo(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const total = size.reduce((a, b) => a * b, 1);
  if (total === 0) return out;
  const src = backend.typedArrayFromHeap(x) as Heap, dst = backend.typedArrayFromHeap(out) as Heap;
  const rank = x.shape.length;
  const strides = tf.util.computeStrides(x.shape);
  strides.push(1);
  // The innermost partial axis j: everything after it is whole, so each run is size[j]·stride[j].
  let j = rank - 1;
  while (j > 0 && size[j] === x.shape[j]) j--;
  const run = size[j] * strides[j];
  const base = begin.reduce((a, b, i) => a + b * strides[i], 0);
  const idx = new Array(j).fill(0);
  for (let d = 0; d < total; d += run) {
    let off = base;
    for (let k = 0; k < j; k++) off += idx[k] * strides[k];
    copyRun(src, off, dst, d, run);
    for (let k = j - 1; k >= 0; k--) {
      if (++idx[k] < size[k]) break;
      idx[k] = 0;
    }
  }
  return out;
}

/** The kernel function. */
export function slice(args: KernelArgs): TensorInfo {
  const { x } = args.inputs;
  if (x.dtype === "string") return callOriginal("Slice", args);
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as unknown as tf.Tensor,
    args.attrs.begin as number[],
    args.attrs.size as number[],
  );
  return sliceInfo(args.backend, x, begin, size);
}
