/**
 * What cell code can ask of the running kernel. Installed on `globalThis` under
 * `Symbol.for("seglab.kernel")`, so `seglab/kernel` (and any other copy of it) reaches the kernel
 * that actually runs the cell.
 * @module
 */
import type { Executor } from "./executor.ts";
import type { Comm, CommData, CommTargetHandler } from "./comm.ts";
import { cellStorage } from "./context.ts";
import { KERNEL_VERSION } from "../kernel_info.ts";

/** The kernel API seen by cell code. */
export interface KernelApi {
  readonly name: "seglab";
  readonly version: string;
  /** The running cell's label ("In[3]") and execution count, when code runs in a cell. */
  currentCell(): { label: string; count: number | null } | undefined;
  /** True while an interrupt is pending: long loops in libraries may poll it and stop. */
  interruptRequested(): boolean;
  /**
   * The running cell's stop signal, aborted when the user interrupts the cell; library work
   * (`train`, `evaluate`, `predict`, `batches`) watches it by default. Undefined outside a cell.
   */
  cellSignal(): AbortSignal | undefined;
  /**
   * Tells the kernel that `work`, started by the running cell, stops by itself when the cell is
   * interrupted (it watches `cellSignal()`): a first interrupt then lets the cell wait for it, so
   * the output of its stopping belongs to the cell; a second interrupt ends the cell at once.
   * Outside a cell it does nothing.
   */
  holdInterrupt(work: Promise<unknown>): void;
  /** The shared interrupt flag (`Int32Array`, element 0 is 1 while an interrupt is pending). */
  readonly interruptFlag: Int32Array;
  /** Clears the cell's output (`wait`: when the next output arrives). */
  clearOutput(wait?: boolean): void;
  /** The id of the request whose code is running (a cell's execute_request, or a comm message). */
  parentMessageId(): string | undefined;
  /** Sends a raw `display_data` output (bundle and metadata as they are) from the running cell. */
  displayData(data: Record<string, unknown>, metadata?: Record<string, unknown>): void;
  registerCommTarget(name: string, handler: CommTargetHandler): void;
  openComm(
    targetName: string,
    data?: CommData,
    opts?: { metadata?: Record<string, unknown>; buffers?: Uint8Array[]; targetModule?: string },
  ): Comm;
}

/** The global key of the kernel API. */
export const KERNEL_API = Symbol.for("seglab.kernel");

/** Installs the API for `executor`. */
export function installKernelApi(executor: Executor, flag: Int32Array): KernelApi {
  const api: KernelApi = {
    name: "seglab",
    version: KERNEL_VERSION,
    currentCell() {
      const c = cellStorage.getStore();
      return c ? { label: c.label, count: c.count } : undefined;
    },
    interruptRequested: () => Atomics.load(flag, 0) !== 0 || Boolean(cellStorage.getStore()?.cancelled),
    cellSignal: () => cellStorage.getStore()?.signal,
    holdInterrupt: (work) => {
      const c = cellStorage.getStore();
      if (c && c.state === "running") c.hold(work);
    },
    interruptFlag: flag,
    clearOutput(wait = false) {
      executor.router.emit(cellStorage.getStore() ?? executor.router.running, { kind: "clear", wait });
    },
    parentMessageId: () => (cellStorage.getStore() ?? executor.router.running)?.parent.msg_id,
    displayData(data, metadata) {
      executor.display(data, metadata ? { metadata } : {});
    },
    registerCommTarget: (name, handler) => executor.comms.registerTarget(name, handler),
    openComm: (targetName, data, opts) => executor.comms.open(targetName, data, opts),
  };
  (globalThis as Record<symbol, unknown>)[KERNEL_API] = api;
  return api;
}
