/**
 * `Concat` for `wasm`: one strided copy per input (see {@link ./copy.ts}). Concatenating NHWC
 * feature maps along channels moves a few channels per pixel, which the shipped kernel did with
 * one `TypedArray.set` each.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { callOriginal, type KernelArgs, type TensorInfo } from "./heap.ts";
import { copyRows } from "./copy.ts";

/** The kernel function. */
export function concat(args: KernelArgs): TensorInfo {
  const inputs = Object.values(args.inputs) as TensorInfo[];
  if (inputs[0].dtype === "string") return callOriginal("Concat", args);
  const backend = args.backend;
  const axis = tf.util.parseAxisParam(args.attrs.axis as number, inputs[0].shape)[0];
  tf.backend_util.assertParamsConsistent(inputs.map((t) => t.shape), axis);
  const outShape = tf.backend_util.computeOutShape(inputs.map((t) => t.shape), axis);
  const parts = inputs.filter((t) => t.shape.every((d) => d > 0));
  const out = backend.makeOutput(outShape, inputs[0].dtype);
  if (parts.length === 0) return out;
  const outer = inputs[0].shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const inner = parts.map((t) => t.shape.slice(axis).reduce((a, b) => a * b, 1));
  const rowOut = inner.reduce((a, b) => a + b, 0);
  let at = 0;
  parts.forEach((t, i) => {
    copyRows(backend, t, 0, out, at, outer, inner[i], inner[i], rowOut);
    at += inner[i];
  });
  return out;
}
