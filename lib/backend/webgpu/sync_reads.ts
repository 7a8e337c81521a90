/**
 * Synchronous reads on `webgpu`. tfjs-backend-webgpu reads a tensor synchronously by drawing it
 * through a 2D canvas; Deno has none, so `dataSync()`/`arraySync()` of a tensor on the GPU fails
 * deep inside the backend ("Cannot read properties of null (reading 'clearRect')"). seglab never
 * reads synchronously on a device backend; this module makes the remaining cases fail clearly:
 *
 * - always: a synchronous read of GPU-resident data throws a {@linkcode SyncReadError} that says
 *   to use `await t.data()` (or the async form of the seglab function that needs the value);
 * - strict mode (`SEGLAB_STRICT_ASYNC=1` or {@linkcode setStrictAsyncReads}), for tests: every
 *   `dataSync()`, `arraySync()` and `bufferSync()` on `webgpu` throws, even of a tensor whose
 *   values still sit on the CPU, so code that would fail on real sizes fails at toy sizes too.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { env } from "../../core/env.ts";
import { SyncReadError, syncReadMessage } from "../../core/sync_reads.ts";

export { SyncReadError, syncReadMessage };

let strict: boolean | null = null;

/** Turns strict mode on or off (null: follow `SEGLAB_STRICT_ASYNC`). */
export function setStrictAsyncReads(on: boolean | null): void {
  strict = on;
}

/** Whether strict mode is on. */
export function strictAsyncReads(): boolean {
  return strict ?? env("SEGLAB_STRICT_ASYNC") === "1";
}

/** True when the runtime can draw a 2D canvas (browsers), which tfjs's synchronous GPU read needs. */
export function canvas2dAvailable(): boolean {
  const C =
    (globalThis as { OffscreenCanvas?: new (w: number, h: number) => { getContext(k: string): unknown } })
      .OffscreenCanvas;
  if (!C) return false;
  try {
    return new C(1, 1).getContext("2d") != null;
  } catch {
    return false;
  }
}

const PATCHED = Symbol.for("seglab.syncReadsPatched");

type Reader = (this: tf.Tensor, ...args: unknown[]) => unknown;

/**
 * Installs the checks: wraps `Tensor.prototype.dataSync/arraySync/bufferSync` (strict mode) and
 * the webgpu backend's `readSync` (GPU-resident data without a 2D canvas). Idempotent.
 */
export function installSyncReadGuards(backendProto: { readSync: (dataId: object) => unknown }): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, Reader> & { [PATCHED]?: boolean };
  if (!proto[PATCHED]) {
    proto[PATCHED] = true;
    for (const name of ["dataSync", "arraySync", "bufferSync"]) {
      const original = proto[name];
      proto[name] = function (this: tf.Tensor, ...args: unknown[]) {
        if (strictAsyncReads() && tf.getBackend() === "webgpu") {
          throw new SyncReadError(
            syncReadMessage(
              `${name}() of a ${this.dtype} tensor [${this.shape}] (strict mode, SEGLAB_STRICT_ASYNC)`,
            ),
          );
        }
        return original.apply(this, args);
      };
    }
  }
  const bp = backendProto as { readSync: (dataId: object) => unknown; [PATCHED]?: boolean };
  if (bp[PATCHED]) return;
  bp[PATCHED] = true;
  const readSync = bp.readSync;
  const hasCanvas = canvas2dAvailable();
  bp.readSync = function (
    this: { tensorMap: { get(id: object): { values: unknown; dtype: string; shape: number[] } } },
    dataId,
  ) {
    const d = this.tensorMap.get(dataId);
    if (!hasCanvas && d && d.values == null && d.dtype !== "string") {
      throw new SyncReadError(syncReadMessage(`dataSync()/arraySync() of a ${d.dtype} tensor [${d.shape}]`));
    }
    return readSync.call(this, dataId);
  };
}
