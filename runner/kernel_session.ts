/**
 * The second phase of a run: the kernel started from its kernelspec, a connection to it, and the
 * routing of its iopub messages into the output notebook — each output goes to the cell whose
 * `execute_request` it answers (by `msg_id`, so output a kernel sends after `idle` still lands in
 * its own cell), with nbclient's `metadata.execution` timestamps. Shutting down asks the kernel
 * first and kills it after a grace time; a kernel never outlives the runner.
 * @module
 */
import { describeKernelExit } from "./kernel_exit.ts";
import process from "node:process";
import { type Message, parentId } from "../kernel/protocol/message.ts";
import { KernelConnection } from "./client/connection.ts";
import { type KernelExit, type KernelProcess, spawnKernel } from "./client/spawn.ts";
import type { CodeCell, Notebook } from "./notebook.ts";
import { OutputBook } from "./outputs.ts";
import type { RunRecord } from "./run_record.ts";

/** How a kernel process ended, in words; an out-of-memory death named as such (`tail`: its last output). */
export function describeExit(e: KernelExit, tail?: string): string {
  return describeKernelExit(e, tail);
}

/** A started kernel, connected, whose outputs are written into a {@linkcode RunRecord}. */
export class KernelSession {
  /** execute_request msg_id → cell index. */
  readonly owner = new Map<string, number>();
  /** execute_request msg_id → resolves the wait for its `idle`. */
  readonly idleWaiters = new Map<string, () => void>();
  /** Cell index → nbclient's `metadata.execution` timestamps. */
  readonly timing = new Map<number, Record<string, string>>();
  /** The cell running now (-1: none); outputs for other cells are logged as late. */
  current = -1;
  readonly #book = new OutputBook();
  readonly #off: Array<() => void>;
  readonly #killOnExit: () => void;
  #shutDown = false;

  constructor(readonly kernel: KernelProcess, readonly conn: KernelConnection, readonly record: RunRecord) {
    // If this process ends without shutting the kernel down (an uncaught error, process.exit), the
    // kernel — in its own process group — must not outlive it.
    this.#killOnExit = () => kernel.signal("SIGKILL");
    process.on("exit", this.#killOnExit);
    this.#off = [
      conn.onIopub((m) => this.#iopub(m)),
      conn.onStdin((m) => {
        // allow_stdin is false, but a kernel may still ask: answer empty rather than hang.
        if (m.header.msg_type === "input_request") conn.send("stdin", "input_reply", { value: "" }, m);
      }),
    ];
  }

  #iopub(m: Message): void {
    const pid = parentId(m);
    if (!pid) return;
    const t = m.header.msg_type;
    const idx = this.owner.get(pid);
    if (t === "status") {
      const state = m.content.execution_state;
      if (idx !== undefined) {
        const tm = this.timing.get(idx)!;
        if (state === "busy") tm["iopub.status.busy"] ??= String(m.header.date);
        if (state === "idle") tm["iopub.status.idle"] = String(m.header.date);
      }
      if (state === "idle") this.idleWaiters.get(pid)?.();
      return;
    }
    if (idx === undefined) return;
    const cell = this.record.nb.cells[idx] as CodeCell;
    if (t === "execute_input") {
      this.timing.get(idx)!["iopub.execute_input"] = String(m.header.date);
      if (typeof m.content.execution_count === "number") cell.execution_count = m.content.execution_count;
      return;
    }
    const applied = this.#book.apply(cell.outputs, t, m.content);
    if (applied.output || applied.updated || applied.cleared) {
      this.record.log({
        type: "output",
        index: idx,
        msgType: t,
        content: m.content,
        late: idx !== this.current,
      });
      this.record.autosave();
    }
  }

  /**
   * Waits for the kernel to answer and records its language and implementation; on failure,
   * the reason (and nothing is thrown).
   */
  async ready(startupTimeoutS: number): Promise<{ ok: true } | { ok: false; why: string }> {
    const { kernel, record } = this;
    const spec = kernel.spec;
    const t0 = performance.now();
    let info: Message;
    try {
      info = await this.conn.waitForReady({ timeoutMs: startupTimeoutS * 1000, alive: () => !kernel.exit });
    } catch (e) {
      await new Promise((r) => setTimeout(r, 100));
      const why = kernel.exit
        ? `the kernel "${spec.name}" exited while starting (${describeExit(kernel.exit, kernel.tail())})`
        : `the kernel "${spec.name}" did not start: ${(e as Error).message}`;
      return { ok: false, why };
    }
    const li = info.content.language_info as Notebook["metadata"]["language_info"] | undefined;
    if (li && typeof li.name === "string") record.nb.metadata.language_info = li;
    record.kernelInfo.implementation = String(info.content.implementation ?? "");
    record.meta.kernel_implementation = record.kernelInfo.implementation;
    record.log({
      type: "kernel-ready",
      name: spec.name,
      implementation: record.kernelInfo.implementation,
      seconds: (performance.now() - t0) / 1000,
    });
    return { ok: true };
  }

  /** Asks the kernel to shut down, kills it after 2 s, closes the connection (once). */
  async shutdown(): Promise<void> {
    if (this.#shutDown) return;
    this.#shutDown = true;
    for (const off of this.#off) off();
    const { kernel, conn } = this;
    if (!kernel.exit) {
      try {
        const req = conn.send("control", "shutdown_request", { restart: false });
        await Promise.race([conn.reply(req, 2000).catch(() => {}), kernel.exited]);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([kernel.exited, new Promise((r) => timer = setTimeout(r, 2000))]);
        clearTimeout(timer);
      } catch { /* killed below */ }
    }
    await conn.close();
    await kernel.kill(2000);
    process.off("exit", this.#killOnExit);
  }
}

/**
 * Starts the run's kernel and connects to it.
 * @throws {KernelSpawnError} when the kernel cannot be started.
 */
export async function startSession(record: RunRecord): Promise<KernelSession> {
  const { plan, options, log } = record;
  const kernel = await spawnKernel(plan.spec, {
    cwd: plan.cwd,
    env: options.env,
    onOutput: (text, stream) => log({ type: "kernel-output", text, stream }),
  });
  const conn = new KernelConnection(kernel.connection, {
    onRefused: (ch, reason) => record.warn(`ignored a message on ${ch}: ${reason}`),
  });
  return new KernelSession(kernel, conn, record);
}
