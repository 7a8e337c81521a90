/**
 * Reading tensors back to JavaScript the way every backend allows: asynchronously, guarded
 * against a lost GPU device (a read never waits forever), and in one transfer for many scalars.
 * @module
 */
import { tf } from "./tf.ts";
import { guardedRead } from "./webgpu/gpu_device.ts";
import { SyncReadError, syncReadMessage } from "./webgpu/sync_reads.ts";

/** True when the active backend can read tensors synchronously (`dataSync`): not on `webgpu`. */
export function syncReadsWork(backend: string = tf.getBackend()): boolean {
  return backend !== "webgpu";
}

/**
 * Throws, naming the asynchronous form to call, when the active backend cannot read
 * synchronously; for public functions that are synchronous and need a tensor's values.
 */
export function requireSyncReads(what: string, asyncForm: string): void {
  if (!syncReadsWork()) throw new SyncReadError(syncReadMessage(what, asyncForm));
}

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
