/**
 * Extra threads for seglab's SIMD kernels. The threaded wasm build's heap is a shared
 * `WebAssembly.Memory`; seglab starts `threads − 1` workers (`node:worker_threads`, which Deno
 * and Node both have) that instantiate the same SIMD module on that memory and wait on an
 * `Atomics` word. {@linkcode runSplit} cuts a kernel's range of independent work items into equal
 * parts, hands all but the first to the workers, runs the first itself and waits for the rest
 * (a round trip costs ~20 µs). The workers are `unref`ed: they never keep a process alive.
 *
 * Where the heap is not shared (single-threaded build) or a worker cannot start, everything
 * runs on the calling thread.
 * @module
 */
import { Worker } from "node:worker_threads";
import type { WasmBackend } from "../heap.ts";
import { wasmThreads } from "../threads.ts";
import { kernelsFor } from "./fused_simd.ts";
import { simdModule } from "./kernels.ts";

/** Control words: [go, done (1 ok, 2 trap), ready (1 ok, −1 failed), argc, name id, args…]. */
const GO = 0, DONE = 1, READY = 2, ARGC = 3, NAME = 4, ARGS = 5, MAX_ARGS = 32;

/** Kernels a worker may run (by index in this list). */
const NAMES = ["conv_filter_grad"];

const WORKER_SOURCE = `
const { parentPort } = require("node:worker_threads");
parentPort.once("message", ({ module, memory, ctrl, names }) => {
  const c = new Int32Array(ctrl);
  let fns = null;
  try {
    fns = new WebAssembly.Instance(module, { env: { memory } }).exports;
    Atomics.store(c, ${READY}, 1);
  } catch (e) {
    Atomics.store(c, ${READY}, -1);
  }
  Atomics.notify(c, ${READY});
  if (!fns) return;
  for (;;) {
    Atomics.wait(c, ${GO}, 0);
    const args = Array.from(c.subarray(${ARGS}, ${ARGS} + c[${ARGC}]));
    let ok = 1;
    try {
      fns[names[c[${NAME}]]](...args);
    } catch (e) {
      ok = 2;
    }
    Atomics.store(c, ${GO}, 0);
    Atomics.store(c, ${DONE}, ok);
    Atomics.notify(c, ${DONE});
  }
});
`;

interface Helper {
  ctrl: Int32Array;
  worker: Worker;
}

const pools = new WeakMap<WebAssembly.Memory, Helper[]>();

function heapMemory(backend: WasmBackend): WebAssembly.Memory | null {
  const w = backend.wasm as WasmBackend["wasm"] & { wasmMemory?: WebAssembly.Memory };
  const m = w.wasmMemory ?? w.asm?.memory;
  return m instanceof WebAssembly.Memory ? m : null;
}

/** Starts one worker on `memory`; null if it does not come up within 10 s. */
function startHelper(memory: WebAssembly.Memory, module: WebAssembly.Module): Helper | null {
  const ctrl = new Int32Array(new SharedArrayBuffer(4 * (ARGS + MAX_ARGS)));
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true });
  } catch {
    return null;
  }
  worker.unref();
  worker.postMessage({ module, memory, ctrl: ctrl.buffer, names: NAMES });
  Atomics.wait(ctrl, READY, 0, 10_000);
  if (Atomics.load(ctrl, READY) !== 1) {
    void worker.terminate();
    return null;
  }
  return { ctrl, worker };
}

/** The helpers for this backend's heap (started on first use; none when the heap is not shared). */
function helpersFor(backend: WasmBackend): Helper[] {
  const memory = heapMemory(backend);
  if (!memory) return [];
  let pool = pools.get(memory);
  if (!pool) {
    pool = [];
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    if (shared) {
      const module = simdModule(true);
      for (let k = 1; k < wasmThreads(); k++) {
        const h = startHelper(memory, module);
        if (!h) break;
        pool.push(h);
      }
    }
    pools.set(memory, pool);
  }
  return pool;
}

/** How many threads {@linkcode runSplit} uses for this backend (the caller's included). */
export function splitThreads(backend: WasmBackend): number {
  return 1 + helpersFor(backend).length;
}

/**
 * Runs the SIMD kernel `name(...args, t0, t1)` over the work items `[0, count)`, split into equal
 * ranges across the helper threads and this one. Items must be independent (write disjoint memory).
 */
export function runSplit(backend: WasmBackend, name: string, args: number[], count: number): void {
  const k = kernelsFor(backend) as unknown as Record<string, (...a: number[]) => void> | null;
  if (!k) throw new Error(`seglab: no SIMD kernels for this wasm heap (${name})`);
  const helpers = count > 1 ? helpersFor(backend).slice(0, count - 1) : [];
  const parts = helpers.length + 1;
  const cut = (p: number) => Math.round((count * p) / parts);
  const id = NAMES.indexOf(name);
  if (id < 0) throw new Error(`seglab: ${name} cannot run on helper threads`);
  helpers.forEach((h, p) => {
    const c = h.ctrl, all = [...args, cut(p + 1), cut(p + 2)];
    c[ARGC] = all.length;
    c[NAME] = id;
    c.set(all, ARGS);
    Atomics.store(c, DONE, 0);
    Atomics.store(c, GO, 1);
    Atomics.notify(c, GO);
  });
  let error: unknown = null;
  const t0 = performance.now();
  try {
    k[name](...args, 0, cut(1));
  } catch (e) {
    error = e;
  }
  // A helper's share is as large as this thread's: one that takes 20× as long (and over 30 s)
  // is gone (its thread was killed); its part of the output is missing, so this call fails and
  // later calls run on this thread alone.
  const patience = Math.max(30_000, 20 * (performance.now() - t0));
  for (const h of helpers) {
    const start = performance.now();
    while (Atomics.load(h.ctrl, DONE) === 0 && performance.now() - start < patience) {
      Atomics.wait(h.ctrl, DONE, 0, 1000);
    }
    const done = Atomics.load(h.ctrl, DONE);
    if (done === 2) error ??= new Error(`seglab: ${name} trapped on a helper thread`);
    if (done === 0) {
      error ??= new Error(`seglab: a helper thread stopped responding during ${name}; it is no longer used`);
      const memory = heapMemory(backend);
      if (memory) pools.set(memory, pools.get(memory)!.filter((x) => x !== h));
      void h.worker.terminate();
    }
  }
  if (error) throw error;
}
