/**
 * `seglab/kernel`: the seglab Jupyter kernel — TypeScript cells on Deno that never lose an
 * output — and what cell code, clients and tools use from it.
 *
 * In a notebook (code running in the kernel):
 *
 * ```ts
 * import { clearOutput, currentCell, interruptRequested, openComm, record, registerCommTarget } from "seglab/kernel";
 * for (let step = 0; step < 1e6 && !interruptRequested(); step++) trainStep();
 * record("miou", 0.71); // kept in the executed notebook (scrapbook's convention), read back by readRecords
 * ```
 *
 * For clients and tools (the headless runner, benchmarks): the wire protocol
 * ({@linkcode encodeFrames}, {@linkcode decodeFrames}, {@linkcode createSigner}), connection
 * files, ZeroMQ sockets, a small client ({@linkcode KernelClient}), {@linkcode launchKernel},
 * and the kernelspec installer. The kernel's own entry point is `kernel/main.ts`
 * (`deno run -A kernel/main.ts <connection_file>`).
 * @module
 */
import type { KernelApi } from "./exec/api.ts";
import type { Comm, CommData, CommTargetHandler } from "./exec/comm.ts";

export type { KernelApi } from "./exec/api.ts";
export type { Comm, CommData, CommTargetHandler } from "./exec/comm.ts";
export { startKernel } from "./kernel.ts";
export type { KernelOptions, RunningKernel } from "./kernel.ts";
export { KernelClient } from "./client.ts";
export type { Exchange } from "./client.ts";
export { freePorts, launchKernel, seglabKernelArgv } from "./launch.ts";
export type { LaunchedKernel, LaunchOptions } from "./launch.ts";
export {
  installKernelspec,
  jupyterUserDataDir,
  kernelspec,
  kernelspecDir,
  projectDeno,
} from "./kernelspec.ts";
export type { InstallTarget, Kernelspec, KernelspecOptions } from "./kernelspec.ts";
export { KERNEL_VERSION, kernelInfo } from "./kernel_info.ts";
export { PAPERMILL_RECORD_MIME, record, RecordError, SCRAP_MIME, scrapOutput } from "./record.ts";
export type { JsonValue } from "./record.ts";
export * from "./protocol/mod.ts";
// The headless notebook runner (`npm run nb`): runNotebook, renderHtml, kernelspec lookup, the client.
export * from "./run/mod.ts";

const KEY = Symbol.for("seglab.kernel");

/** The running seglab kernel's API, or undefined outside one (a script, tests, another kernel). */
export function kernelApi(): KernelApi | undefined {
  return (globalThis as Record<symbol, unknown>)[KEY] as KernelApi | undefined;
}

function api(what: string): KernelApi {
  const k = kernelApi();
  if (!k) {
    throw new Error(`${what} needs the seglab kernel: run this code in a notebook on the seglab kernel`);
  }
  return k;
}

/** True when this code runs inside the seglab kernel. */
export function inKernel(): boolean {
  return kernelApi() !== undefined;
}

/** The running cell ("In[3]") — undefined outside a cell or outside the kernel. */
export function currentCell(): { label: string; count: number | null } | undefined {
  return kernelApi()?.currentCell();
}

/**
 * True while the user's interrupt is pending. Cell loops are interrupted automatically; long
 * loops in library code can poll this to stop early (false outside the kernel).
 */
export function interruptRequested(): boolean {
  return kernelApi()?.interruptRequested() ?? false;
}

/** Clears the running cell's output (with `wait`, when the next output arrives). */
export function clearOutput(wait = false): void {
  api("clearOutput").clearOutput(wait);
}

/** Registers a comm target the frontend may open. */
export function registerCommTarget(name: string, handler: CommTargetHandler): void {
  api("registerCommTarget").registerCommTarget(name, handler);
}

/** Opens a comm to the frontend. */
export function openComm(
  targetName: string,
  data?: CommData,
  opts?: { metadata?: Record<string, unknown>; buffers?: Uint8Array[]; targetModule?: string },
): Comm {
  return api("openComm").openComm(targetName, data, opts);
}
