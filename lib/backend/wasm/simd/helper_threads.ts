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
import {
  ARGC,
  ARGS,
  CHUNKS,
  COUNT,
  DONE,
  GO,
  MAX_ARGS,
  NAME,
  NAMES,
  NEXT,
  READY,
  WORKER_SOURCE,
} from "./helper_worker.ts";

interface Helper {
  ctrl: Int32Array;
  worker: Worker;
}

interface Pool {
  helpers: Helper[];
  job: Int32Array;
}

const pools = new WeakMap<WebAssembly.Memory, Pool>();

function heapMemory(backend: WasmBackend): WebAssembly.Memory | null {
  const w = backend.wasm as WasmBackend["wasm"] & { wasmMemory?: WebAssembly.Memory };
  const m = w.wasmMemory ?? w.asm?.memory;
  return m instanceof WebAssembly.Memory ? m : null;
}

/** Starts one worker on `memory`; null if it does not come up within 10 s. */
function startHelper(memory: WebAssembly.Memory, module: WebAssembly.Module, job: Int32Array): Helper | null {
  const ctrl = new Int32Array(new SharedArrayBuffer(16));
  let worker: Worker;
  try {
    worker = new Worker(WORKER_SOURCE, { eval: true });
  } catch {
    return null;
  }
  worker.unref();
  worker.postMessage({ module, memory, ctrl: ctrl.buffer, job: job.buffer, names: NAMES });
  Atomics.wait(ctrl, READY, 0, 10_000);
  if (Atomics.load(ctrl, READY) !== 1) {
    void worker.terminate();
    return null;
  }
  return { ctrl, worker };
}

/** The helpers for this backend's heap (started on first use; none when the heap is not shared). */
function poolFor(backend: WasmBackend): Pool | null {
  const memory = heapMemory(backend);
  if (!memory) return null;
  let pool = pools.get(memory);
  if (!pool) {
    pool = { helpers: [], job: new Int32Array(new SharedArrayBuffer(4 * (ARGS + MAX_ARGS))) };
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    if (shared) {
      const module = simdModule(true);
      for (let k = 1; k < wasmThreads(); k++) {
        const h = startHelper(memory, module, pool.job);
        if (!h) break;
        pool.helpers.push(h);
      }
    }
    pools.set(memory, pool);
  }
  return pool;
}

/** How many threads {@linkcode runSplit} uses for this backend (the caller's included). */
export function splitThreads(backend: WasmBackend): number {
  return 1 + (poolFor(backend)?.helpers.length ?? 0);
}

/** Chunks per thread: more balance the load when the OS slows one thread; each re-reads its inputs. */
const CHUNKS_PER_THREAD = 4;

/**
 * How many chunks {@linkcode runSplit} cuts `count` items into. Chunk `k` is the items
 * `floor(count·k / chunks)` … `floor(count·(k+1) / chunks)`, so a kernel can tell its chunk from its
 * first item as `k = ⌈t0·chunks / count⌉` and use per-chunk scratch memory (no two threads ever run
 * the same chunk).
 */
export function splitChunks(backend: WasmBackend, count: number): number {
  return Math.max(1, Math.min(count, CHUNKS_PER_THREAD * splitThreads(backend)));
}

/**
 * Runs the SIMD kernel `name(...args, t0, t1)` over the work items `[0, count)`: the helper
 * threads and this one take chunks of items from a shared counter until none is left. Items must
 * be independent (write disjoint memory). With `split` false, this thread runs them all (for work
 * shorter than waking a helper: ~30–100 µs).
 */
export function runSplit(
  backend: WasmBackend,
  name: string,
  args: number[],
  count: number,
  split = true,
): void {
  const k = kernelsFor(backend) as unknown as Record<string, (...a: number[]) => void> | null;
  if (!k) throw new Error(`seglab: no SIMD kernels for this wasm heap (${name})`);
  const id = NAMES.indexOf(name);
  if (id < 0) throw new Error(`seglab: ${name} cannot run on helper threads`);
  const pool = poolFor(backend);
  const helpers = pool && split && count > 1 ? pool.helpers : [];
  if (!pool || !helpers.length) {
    k[name](...args, 0, count);
    return;
  }
  if (args.length + 2 > MAX_ARGS) throw new Error(`seglab: too many arguments for ${name}`);
  const job = pool.job, chunks = splitChunks(backend, count);
  job[COUNT] = count;
  job[CHUNKS] = chunks;
  job[NAME] = id;
  job[ARGC] = args.length;
  job.set(args, ARGS);
  Atomics.store(job, NEXT, 0);
  for (const h of helpers) {
    Atomics.store(h.ctrl, DONE, 0);
    Atomics.store(h.ctrl, GO, 1);
    Atomics.notify(h.ctrl, GO);
  }
  let error: unknown = null;
  const t0 = performance.now();
  try {
    for (let c; (c = Atomics.add(job, NEXT, 1)) < chunks;) {
      k[name](...args, Math.floor(count * c / chunks), Math.floor(count * (c + 1) / chunks));
    }
  } catch (e) {
    error = e;
    Atomics.store(job, NEXT, chunks); // the helpers stop after their current chunk
  }
  // A helper has at most one chunk left when this thread runs out: one that takes 20× as long as
  // this thread's whole share (and over 30 s) is gone (its thread was killed); its chunk of the
  // output is missing, so this call fails and later calls run without it.
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
      pool.helpers = pool.helpers.filter((x) => x !== h);
      void h.worker.terminate();
    }
  }
  if (error) throw error;
}
