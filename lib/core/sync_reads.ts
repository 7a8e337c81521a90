/**
 * Whether the active backend can read tensors synchronously, and the error when it cannot.
 * tfjs-backend-webgpu reads synchronously by drawing through a 2D canvas, which Deno lacks: on
 * `webgpu`, `dataSync()`/`arraySync()` cannot work, and seglab's synchronous functions that need
 * a value say which asynchronous form to call instead.
 * @module
 */
import { tf } from "./tf.ts";

/** A synchronous tensor read where only an asynchronous one can work. */
export class SyncReadError extends Error {
  override name = "SyncReadError";
}

/** The message of a synchronous read on webgpu; `hint` names the asynchronous form to call. */
export function syncReadMessage(what: string, hint = "await t.data() or await t.array()"): string {
  return `${what}: a synchronous read of a tensor on the webgpu backend cannot work in this runtime ` +
    `(tfjs-backend-webgpu reads synchronously through a 2D canvas, which Deno lacks); use ${hint}`;
}

/** True when the active backend can read tensors synchronously (`dataSync`): not on `webgpu`. */
export function syncReadsWork(backend: string = tf.getBackend()): boolean {
  return backend !== "webgpu";
}

/**
 * Throws a {@linkcode SyncReadError} naming the asynchronous form to call when the active
 * backend cannot read synchronously; for public functions that are synchronous and need values.
 */
export function requireSyncReads(what: string, asyncForm: string): void {
  if (!syncReadsWork()) throw new SyncReadError(syncReadMessage(what, asyncForm));
}
