/**
 * `Slice` for `wasm` reading the heap in place: the shipped kernel copied the whole input out of
 * the heap (`readSync`) before every slice, so `split` (the gradient of `concat`) copied its
 * input once per output.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { callOriginal, type KernelArgs, type TensorInfo, type WasmBackend } from "./heap.ts";
import { copyRows } from "./copy.ts";

/** Copies the box `begin … begin+size` of `x` into new backend data. */
export function sliceInfo(backend: WasmBackend, x: TensorInfo, begin: number[], size: number[]): TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const total = size.reduce((a, b) => a * b, 1);
  if (total === 0) return out;
  const rank = x.shape.length;
  const strides = tf.util.computeStrides(x.shape);
  strides.push(1);
  // The innermost partial axis j: everything after it is whole, so each run is size[j]·stride[j].
  let j = rank - 1;
  while (j > 0 && size[j] === x.shape[j]) j--;
  const run = size[j] * strides[j];
  const base = begin.reduce((a, b, i) => a + b * strides[i], 0);
  if (j === 0) {
    copyRows(backend, x, base, out, 0, 1, run, 0, 0);
    return out;
  }
  // Axis j−1's rows are evenly strided: one copyRows call per index of the axes before it.
  const rows = size[j - 1], outer = total / (rows * run);
  const idx = new Array(Math.max(0, j - 1)).fill(0);
  for (let o = 0, d = 0; o < outer; o++, d += rows * run) {
    let off = base;
    for (let k = 0; k < j - 1; k++) off += idx[k] * strides[k];
    copyRows(backend, x, off, out, d, rows, run, strides[j - 1], run);
    for (let k = j - 2; k >= 0; k--) {
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
