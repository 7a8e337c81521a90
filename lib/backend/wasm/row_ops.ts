/**
 * `Sub`, `Multiply`, `Add` and `Max` for `wasm` where a softmax loss needs them fast: a float32
 * binary op whose one operand has a last axis of 1 and otherwise the other's shape (a row
 * broadcast), and a max over the last axis — one SIMD pass each (`simd/emit_row_ops.ts`; tfjs's
 * broadcasting loop and its `Max` ran ~1 and ~1.9 ms on a 4×128×128×8 tensor, 6–7× the time of an
 * equal-shape op). Rows a multiple of 4 long; everything else runs the shipped kernels.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { callOriginal, type KernelArgs, type TensorInfo, type WasmBackend } from "./heap.ts";
import { kernelsFor } from "./simd/fused_simd.ts";
import { ROW_OP } from "./simd/emit_row_ops.ts";

const at = (b: WasmBackend, i: TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;

/** Whether `small` is `big` with its last axis 1 (and `big`'s last axis a multiple of 4). */
function rowOf(big: TensorInfo, small: TensorInfo): boolean {
  const n = big.shape.length, c = big.shape[n - 1];
  if (n < 2 || c % 4 !== 0 || c === 0 || small.shape.length !== n || small.shape[n - 1] !== 1) return false;
  return big.shape.slice(0, -1).every((d, i) => small.shape[i] === d);
}

/** A binary kernel: the row broadcast when it applies, else the shipped `name`. */
function binary(name: string, op: number, swapped: number): (args: KernelArgs) => TensorInfo {
  return (args) => {
    const { a, b } = args.inputs, backend = args.backend;
    const k = a.dtype === "float32" && b.dtype === "float32" ? kernelsFor(backend) : null;
    const [big, small, code] = k && rowOf(a, b) ? [a, b, op] : k && rowOf(b, a) ? [b, a, swapped] : [];
    if (!big || !small || code === undefined) return callOriginal(name, args);
    const y = backend.makeOutput(big.shape, "float32"), c = big.shape[big.shape.length - 1];
    const rows = big.shape.reduce((p, d) => p * d, 1) / c;
    k!.row_broadcast(at(backend, big), at(backend, small), at(backend, y), rows, c, code);
    return y;
  };
}

/** `Sub` (a − b, or b − a with the row on the left). */
export const sub = binary("Sub", ROW_OP.sub, ROW_OP.rsub);
/** `Multiply`. */
export const multiply = binary("Multiply", ROW_OP.mul, ROW_OP.mul);
/** `Add`. */
export const add = binary("Add", ROW_OP.add, ROW_OP.add);

/** `Max` over the last axis of a float32 tensor whose last axis is a multiple of 4. */
export function max(args: KernelArgs): TensorInfo {
  const { x } = args.inputs, backend = args.backend;
  const { reductionIndices, keepDims } = args.attrs as unknown as tf.MaxAttrs;
  const n = x.shape.length, c = x.shape[n - 1];
  const axes = tf.util.parseAxisParam(reductionIndices, x.shape);
  const k = x.dtype === "float32" && c % 4 === 0 && c > 0 ? kernelsFor(backend) : null;
  if (!k || axes.length !== 1 || axes[0] !== n - 1) return callOriginal("Max", args);
  const shape = keepDims ? [...x.shape.slice(0, -1), 1] : x.shape.slice(0, -1);
  const y = backend.makeOutput(shape, "float32");
  k.row_max(at(backend, x), at(backend, y), x.shape.reduce((p, d) => p * d, 1) / c, c);
  return y;
}
