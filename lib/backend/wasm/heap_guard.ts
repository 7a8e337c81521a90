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
    new RangeError(
      `seglab: the wasm heap is full: ${Math.round(bytes / 2 ** 20)} MiB more were needed with ` +
        `${
          Math.round(w.HEAPU8.buffer.byteLength / 2 ** 20)
        } MiB in use (wasm32 allows 4096 MiB). Use a smaller ` +
        `batch or crop size, or a GPU backend, and restart the process (the heap is not reliable after this).`,
      cause === undefined ? undefined : { cause },
    );
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
