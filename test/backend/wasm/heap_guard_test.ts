/**
 * The wasm heap guard: a failed allocation (malloc returning 0, or failing inside with "memory
 * access out of bounds", as emscripten's does near 4 GiB) becomes a clear error. Tested on a
 * stand-in module (filling a real 4 GiB heap would take the machine's memory), plus a check that
 * the real backend is guarded.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { explainWasmFailure, guardWasmHeap } from "../../../lib/backend/wasm/heap_guard.ts";
import type { WasmBackend } from "../../../lib/backend/wasm/heap.ts";

function fakeBackend(malloc: (n: number) => number): WasmBackend {
  const heap = new Uint8Array(new ArrayBuffer(3 * 2 ** 20));
  return {
    wasm: { HEAPU8: heap, asm: { malloc }, _malloc: malloc, _free: () => {} },
  } as unknown as WasmBackend;
}

Deno.test("an allocation the wasm heap cannot satisfy throws a clear error", () => {
  const zero = fakeBackend(() => 0);
  guardWasmHeap(zero);
  assert.throws(
    () => zero.wasm._malloc(512 * 2 ** 20),
    /seglab: the wasm heap is full: 512 MiB more were needed with 3 MiB in use \(wasm32 allows 4096 MiB\)\. Use a smaller batch or crop size/,
  );
  const trap = fakeBackend(() => {
    throw new WebAssembly.RuntimeError("memory access out of bounds");
  });
  guardWasmHeap(trap);
  assert.throws(
    () => trap.wasm._malloc(2 ** 20),
    (e: Error) => /heap is full/.test(e.message) && e.cause instanceof WebAssembly.RuntimeError,
  );
  const ok = fakeBackend((n) => 64 + n);
  guardWasmHeap(ok);
  assert.equal(ok.wasm._malloc(100), 164);
  (ok.wasm as { _malloc: unknown })._malloc = () => 0; // emscripten's stub reassigns itself: ignored
  assert.equal(ok.wasm._malloc(100), 164);
});

Deno.test("the running wasm backend's allocations go through the guard", async () => {
  await ready("wasm", { quiet: true });
  const w = (tf.backend() as unknown as WasmBackend).wasm;
  const desc = Object.getOwnPropertyDescriptor(w, "_malloc");
  assert.ok(desc?.get, "_malloc is the guarded accessor");
  const t = tf.add(tf.ones([1000]), 1);
  assert.equal(t.dataSync()[999], 2);
  t.dispose();
});

Deno.test("a kernel failing inside WebAssembly near 4 GiB is reported as the full heap, not as a bare trap", async () => {
  const trap = new WebAssembly.RuntimeError("memory access out of bounds");
  const e = explainWasmFailure(trap, 3.8 * 2 ** 30) as Error;
  assert.ok(e instanceof RangeError);
  assert.match(
    e.message,
    /^seglab: the wasm heap is full: a kernel failed inside WebAssembly \(memory access out of bounds\) with 3891 MiB in use \(wasm32 allows 4096 MiB\)\. Use a smaller batch or crop size/,
  );
  assert.equal(e.cause, trap);
  // A small heap: a trap there is a bug, not memory; other errors pass through untouched.
  assert.equal(explainWasmFailure(trap, 512 * 2 ** 20), trap);
  const other = new Error("labels out of range");
  assert.equal(explainWasmFailure(other, 3.8 * 2 ** 30), other);
  await ready("wasm", { quiet: true });
  assert.equal(explainWasmFailure(trap), trap, "the running backend's heap is far from full here");
});
