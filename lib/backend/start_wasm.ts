/**
 * Starting the `wasm` backend (XNNPACK compiled to WebAssembly, shipped inside the npm package,
 * so it works offline everywhere) and registering seglab's training kernels on it.
 * @module
 */
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import { tf } from "./tf.ts";
import { firstLine } from "./probes.ts";
import type { StartResult } from "./start_result.ts";
import { registerWasmTrainingKernels } from "./wasm/register_kernels.ts";

/** Starts `wasm` and registers the training kernels. */
export async function startWasm(): Promise<StartResult> {
  try {
    if (!(await tf.setBackend("wasm"))) return { ok: false, reason: "the wasm backend failed to initialise" };
    await tf.ready();
  } catch (e) {
    return { ok: false, reason: `the wasm backend failed to initialise: ${firstLine(e)}` };
  }
  const kernels = registerWasmTrainingKernels();
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = getThreadsCount();
  return {
    ok: true,
    detail: `${simd ? "SIMD" : "no SIMD"}, ${threads} thread${threads === 1 ? "" : "s"}, ` +
      `seglab training kernels: ${kernels.length}`,
  };
}
