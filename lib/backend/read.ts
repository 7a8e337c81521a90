/**
 * Reading tensors back to JavaScript the way every backend allows: asynchronously, guarded
 * against a lost GPU device (a read never waits forever), and in one transfer for many scalars.
 * @module
 */
import { tf } from "../core/tf.ts";
import { guardedRead } from "./webgpu/gpu_device.ts";
import { requireSyncReads, syncReadsWork } from "../core/sync_reads.ts";

export { requireSyncReads, syncReadsWork };

/** `await t.data()`, rejecting with a clear error if the GPU device is lost meanwhile. */
export function readData<D extends tf.DataType = "float32">(t: tf.Tensor): Promise<tf.DataTypeMap[D]> {
  const read = t.data() as Promise<tf.DataTypeMap[D]>;
  return tf.getBackend() === "webgpu" ? guardedRead(read) : read;
}

/** The values of scalar tensors, read in one transfer (one GPU synchronisation). */
export async function readScalars(ts: readonly tf.Tensor[]): Promise<number[]> {
  if (ts.length === 0) return [];
  const packed = tf.tidy(() => tf.stack(ts.map((t) => tf.cast(tf.reshape(t, []), "float32"))));
  try {
    return Array.from(await readData(packed));
  } finally {
    packed.dispose();
  }
}
