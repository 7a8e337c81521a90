/**
 * Running one cell on a kernel: send `execute_request`, then wait for BOTH its `execute_reply`
 * (shell) and its `idle` status (iopub), as nbclient does — unless the kernel dies (the process
 * exits), the cell's timeout passes (then the kernel is interrupted, by message or SIGINT as its
 * kernelspec says, and killed when the interrupt does not end the cell within the grace time),
 * or the run is aborted. Outputs are routed by the caller through the request's `msg_id`, so
 * outputs a kernel sends after `idle` (Deno's kernel does) still land in their own cell.
 * @module
 */
import type { Message } from "../../kernel/protocol/message.ts";
import type { KernelConnection } from "./connection.ts";
import type { KernelExit, KernelProcess } from "./spawn.ts";

/** How a cell's execution ended. */
export type CellOutcome =
  /** The kernel replied `ok`. */
  | { kind: "ok"; reply: Message }
  /** The kernel replied `error` (or `abort`). */
  | { kind: "error"; reply: Message }
  /** The timeout passed; `killed` when the interrupt failed and the kernel was killed. */
  | { kind: "timeout"; killed: boolean; reply?: Message; interruptError?: string }
  /** The run was aborted (Ctrl-C); the cell was interrupted like a timeout. */
  | { kind: "aborted"; killed: boolean; reply?: Message }
  /** The kernel process exited. */
  | { kind: "died"; exit: KernelExit };

/** Options of {@linkcode executeCell}. */
export interface ExecuteCellOptions {
  /** Timeout in ms (undefined or 0: none). */
  timeoutMs?: number;
  /** How long an interrupted cell may take to end before the kernel is killed (default 10 s). */
  interruptGraceMs?: number;
  /** How long to wait for `idle` once the reply came (default 5 s, as nbclient's iopub timeout). */
  idleGraceMs?: number;
  /** Aborts the cell (interrupt, then kill). */
  signal?: AbortSignal;
  /** Called with the request right after it is sent, before any reply can arrive. */
  onSent(request: Message): void;
  /** Resolves when iopub reported `idle` for the request (the caller watches iopub). */
  idle: (request: Message) => Promise<void>;
}

const sleep = (ms: number) => {
  let t: ReturnType<typeof setTimeout>;
  const p = new Promise<"sleep">((r) => t = setTimeout(() => r("sleep"), ms));
  return { p, cancel: () => clearTimeout(t) };
};

/** Interrupts the kernel as its kernelspec says; the error text when that failed. */
export async function interruptKernel(
  conn: KernelConnection,
  kernel: KernelProcess,
  timeoutMs = 5000,
): Promise<string | undefined> {
  if (kernel.exit) return "the kernel has exited";
  if (kernel.spec.interrupt_mode === "message") {
    try {
      const req = conn.send("control", "interrupt_request", {});
      const r = await conn.reply(req, timeoutMs);
      return r.content.status === "ok" ? undefined : `interrupt_reply status ${String(r.content.status)}`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  return kernel.signal("SIGINT") ? undefined : "cannot send SIGINT to the kernel";
}

/** Executes `code` and says how it ended (it never throws for kernel trouble). */
export async function executeCell(
  conn: KernelConnection,
  kernel: KernelProcess,
  code: string,
  opts: ExecuteCellOptions,
): Promise<CellOutcome> {
  if (kernel.exit) return { kind: "died", exit: kernel.exit };
  const req = conn.send("shell", "execute_request", {
    code,
    silent: false,
    store_history: true,
    user_expressions: {},
    allow_stdin: false,
    stop_on_error: true,
  });
  opts.onSent(req);
  const reply = conn.reply(req).then((r) => ({ r }), (e) => ({ e: e as Error }));
  const idle = opts.idle(req).then(() => "idle" as const);
  const died = kernel.exited.then((exit) => ({ died: exit }));
  const aborted = new Promise<"abort">((resolve) => {
    if (opts.signal?.aborted) resolve("abort");
    opts.signal?.addEventListener("abort", () => resolve("abort"), { once: true });
  });
  const timer = opts.timeoutMs ? sleep(opts.timeoutMs) : undefined;
  const timedOut = timer ? timer.p.then(() => "timeout" as const) : new Promise<never>(() => {});

  const finished = (async () => {
    const got = await reply;
    if ("e" in got) throw got.e;
    // The reply came; outputs follow until idle (nbclient waits the same way).
    const g = sleep(opts.idleGraceMs ?? 5000);
    await Promise.race([idle, g.p]);
    g.cancel();
    return got.r;
  })();
  finished.catch(() => {});

  try {
    const first = await Promise.race([finished, died, timedOut, aborted]);
    if (first === "timeout" || first === "abort") {
      // The grace time counts from the interrupt; a kernel that does not even answer the
      // interrupt request (Deno's, while awaiting) is killed when it runs out.
      const graceMs = opts.interruptGraceMs ?? 10_000;
      let interruptError: string | undefined;
      const interrupted = interruptKernel(conn, kernel, graceMs).then((e) => interruptError = e);
      const grace = sleep(graceMs);
      const after = await Promise.race([finished.then((r) => ({ r }), () => ({})), died, grace.p]);
      grace.cancel();
      if (after !== "sleep") {
        const s = sleep(100);
        await Promise.race([interrupted, s.p]);
        s.cancel();
      }
      let killed = false;
      let r: Message | undefined;
      if (after === "sleep") {
        await kernel.kill(1000);
        killed = true;
      } else if ("died" in after) {
        killed = true;
      } else {
        r = (after as { r?: Message }).r;
      }
      return first === "timeout"
        ? { kind: "timeout", killed, reply: r, interruptError }
        : { kind: "aborted", killed, reply: r };
    }
    if (typeof first === "object" && first && "died" in first) return { kind: "died", exit: first.died };
    const r = first as Message;
    return { kind: r.content.status === "ok" ? "ok" : "error", reply: r };
  } catch {
    // The connection closed under us: the kernel is gone or going.
    const s = sleep(2000);
    const exit = await Promise.race([kernel.exited, s.p]);
    s.cancel();
    if (exit !== "sleep") return { kind: "died", exit };
    await kernel.kill(1000);
    return { kind: "died", exit: kernel.exit ?? { code: null, signal: "SIGKILL" } };
  } finally {
    timer?.cancel();
  }
}
