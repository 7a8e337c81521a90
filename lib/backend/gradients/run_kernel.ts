/** `tf.engine().runKernel` with loose attribute typing (seglab passes extra attributes). @module */
import { tf } from "../../core/tf.ts";

/** Runs the kernel `name` on the active backend, recorded on the gradient tape like an op. */
export function runKernel(
  name: string,
  inputs: Record<string, tf.Tensor>,
  attrs: Record<string, unknown>,
): tf.Tensor {
  return tf.engine().runKernel(
    name,
    inputs as tf.NamedTensorMap,
    attrs as unknown as tf.NamedAttrMap,
  ) as tf.Tensor;
}
