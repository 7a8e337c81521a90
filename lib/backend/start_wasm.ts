/**
 * Starting the `wasm` backend (XNNPACK compiled to WebAssembly, shipped inside the npm package,
 * so it works offline everywhere), with XNNPACK threads where the runtime allows, and
 * registering seglab's training kernels on it.
 * @module
 */
import os from "node:os";
import { tf } from "../core/tf.ts";
import { firstLine } from "./probes.ts";
import type { StartResult } from "./start_result.ts";
import { registerWasmTrainingKernels } from "./wasm/register_kernels.ts";
import { installThreadedWasm, threadedInstalled, wasmThreads } from "./wasm/threads.ts";
import { guardWasmHeap } from "./wasm/heap_guard.ts";
import type { WasmBackend } from "./wasm/heap.ts";

/** The thread count used when none is asked for: the logical cores, at most 8 (XNNPACK's pool). */
export function defaultWasmThreads(): number {
  return Math.max(1, Math.min(8, os.cpus().length));
}

/**
 * Starts `wasm` with `threads` XNNPACK threads (1 = the stock single-threaded start) and
 * registers the training kernels. Threads can only be chosen before the backend first starts.
 */
export async function startWasm(threads: number): Promise<StartResult> {
  let threadNote = "";
  if (threads > 1 && !tf.engine().registry.wasm) {
    const why = await installThreadedWasm(threads);
    if (why) threadNote = ` (threads off: ${why})`;
  } else if (threads > 1 && threadedInstalled() === null) {
    threadNote = " (threads off: the wasm backend had already started single-threaded)";
  }
  try {
    if (!(await tf.setBackend("wasm"))) return { ok: false, reason: "the wasm backend failed to initialise" };
    await tf.ready();
  } catch (e) {
    return { ok: false, reason: `the wasm backend failed to initialise: ${firstLine(e)}` };
  }
  guardWasmHeap(tf.backend() as unknown as WasmBackend);
  const kernels = registerWasmTrainingKernels();
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const n = wasmThreads();
  return {
    ok: true,
    detail: `${simd ? "SIMD" : "no SIMD"}, ${n} thread${n === 1 ? "" : "s"}${threadNote}, ` +
      `seglab training kernels: ${kernels.length}`,
  };
}
