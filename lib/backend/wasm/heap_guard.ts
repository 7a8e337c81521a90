/**
 * A clear error when the wasm heap is exhausted.
 *
 * The wasm backend allocates tensor memory with emscripten's `malloc` and checks nothing: near the
 * 4 GiB a wasm32 heap can reach, `malloc` either returns 0 (the tensor would then live at address
 * 0, over other data) or fails inside with "RuntimeError: memory access out of bounds". seglab
 * wraps the backend's `_malloc` (a property of the module object, nothing global) so that both
 * become one error saying how large the heap is and what to change. The heap cannot be trusted
 * after such a failure: the process should be restarted.
 * @module
 */
import { tf } from "../../core/tf.ts";
import type { WasmBackend } from "./heap.ts";

const GUARDED = Symbol.for("seglab.heapGuard");

/** Installs the guard on this backend's module (idempotent). */
export function guardWasmHeap(backend: WasmBackend): void {
  const w = backend.wasm as WasmBackend["wasm"] & { [GUARDED]?: boolean };
  if (w[GUARDED]) return;
  // emscripten's `_malloc` is a stub that replaces itself with the raw export on first use, so
  // take the raw export and keep the property from being reassigned.
  const raw = (w.asm as { malloc?: (n: number) => number } | undefined)?.malloc ?? w._malloc.bind(w);
  const malloc = (n: number) => raw(n);
  const full = (bytes: number, cause?: unknown) =>
    heapFull(`${Math.round(bytes / 2 ** 20)} MiB more were needed`, w.HEAPU8.buffer.byteLength, cause);
  const guarded = (bytes: number) => {
    let p: number;
    try {
      p = malloc(bytes);
    } catch (e) {
      throw e instanceof WebAssembly.RuntimeError ? full(bytes, e) : e;
    }
    if (p === 0 && bytes > 0) throw full(bytes);
    return p;
  };
  Object.defineProperty(w, "_malloc", { configurable: true, get: () => guarded, set: () => {} });
  w[GUARDED] = true;
}

function heapFull(what: string, heapBytes: number, cause?: unknown): RangeError {
  return new RangeError(
    `seglab: the wasm heap is full: ${what} with ${Math.round(heapBytes / 2 ** 20)} MiB in use ` +
      `(wasm32 allows 4096 MiB). Use a smaller batch or crop size, or a GPU backend, and restart ` +
      `the process (the heap is not reliable after this).`,
    cause === undefined ? undefined : { cause },
  );
}

/** Heaps at least this large count as full when a kernel fails inside WebAssembly. */
const NEAR_FULL = 3 * 2 ** 30;

/**
 * The error to report for `e`, thrown by a step on the wasm backend: allocations made inside
 * TensorFlow.js's and XNNPACK's C code (workspaces, packed weights) are not seen by the `_malloc`
 * guard, and when they fail near the 4 GiB limit the kernel ends in "RuntimeError: memory access
 * out of bounds". With a heap past 3 GiB that is the same heap-full error as the guard's (the
 * original error as its cause); anything else is returned as it is. `heapBytes` defaults to the
 * running wasm backend's heap size.
 */
export function explainWasmFailure(e: unknown, heapBytes?: number): unknown {
  if (!(e instanceof WebAssembly.RuntimeError)) return e;
  const heap = heapBytes ??
    (tf.getBackend() === "wasm" ? (tf.backend() as unknown as WasmBackend).wasm.HEAPU8.buffer.byteLength : 0);
  return heap >= NEAR_FULL ? heapFull(`a kernel failed inside WebAssembly (${e.message})`, heap, e) : e;
}
