/**
 * `seglab/kernel`: the seglab Jupyter kernel — TypeScript cells on Deno that never lose an
 * output — and what cell code calls from it. Install it for Jupyter with
 * `npm run kernel:install` (`kernel/install.ts`); Jupyter then starts `kernel/main.ts
 * <connection_file>`. Outside a notebook (a script, a test) the cell API is inert: `inKernel()` is
 * false, `interruptRequested()` false, `currentCell()` undefined; `clearOutput`, `openComm` and
 * `registerCommTarget` throw a one-line error saying they need the kernel. To run notebooks
 * headless or drive a kernel from code, use `seglab/runner`.
 *
 * In a cell:
 *
 * ```ts
 * import { clearOutput, currentCell, inKernel, interruptRequested, openComm, record } from "seglab/kernel";
 * let loss = 1;
 * for (let step = 0; step < 1_000 && !interruptRequested(); step++) loss *= 0.99; // Stop ends it early
 * if (inKernel()) {
 *   clearOutput(true); // the next output replaces this cell's output
 *   console.log(`${currentCell()?.label}: loss ${loss.toFixed(4)}`);
 *   openComm("seglab.progress", { loss }); // a frontend widget may listen on this target
 *   record("loss", loss); // kept in the executed notebook (scrapbook's scrap), read back by readRecords
 * }
 * ```
 * @module
 */
import type { KernelApi } from "./exec/api.ts";
import type { Comm, CommData, CommTargetHandler } from "./exec/comm.ts";

export type { KernelApi } from "./exec/api.ts";
export type { Comm, CommData, CommTargetHandler } from "./exec/comm.ts";
export { PAPERMILL_RECORD_MIME, record, RecordError, SCRAP_MIME, scrapOutput } from "./record.ts";
export type { JsonValue } from "./record.ts";
export { startKernel } from "./kernel.ts";
export type { KernelOptions, RunningKernel } from "./kernel.ts";
export { installKernelspec, kernelspec } from "./kernelspec.ts";
export type { InstallTarget, KernelJson, KernelspecOptions } from "./kernelspec.ts";
export { KERNEL_VERSION } from "./kernel_info.ts";

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

/**
 * The running cell's stop signal: aborted when the user interrupts the cell (undefined outside a
 * cell or the kernel). seglab's `train`, `evaluate`, `predict` and `batches` watch it by default;
 * pass it to your own long work (`fetch(url, { signal: cellSignal() })`).
 */
export function cellSignal(): AbortSignal | undefined {
  return kernelApi()?.cellSignal();
}

/**
 * Tells the kernel that `work`, started by the running cell, stops by itself when the cell is
 * interrupted (it watches {@linkcode cellSignal}): an interrupted cell then waits for it, so what it
 * prints while stopping and the error it ends with stay in that cell; a second interrupt ends the
 * cell at once. seglab's `train`, `evaluate` and `predict` do this themselves. Returns `work`;
 * outside a kernel it only returns it.
 */
export function holdInterrupt<T>(work: Promise<T>): Promise<T> {
  kernelApi()?.holdInterrupt?.(work);
  return work;
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
