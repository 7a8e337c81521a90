/**
 * A kernel started and connected in one call, with request/response helpers for scripts that
 * drive a kernel directly (the benchmarks, the kernel's tests): {@linkcode launchKernel} spawns
 * the kernel from its kernelspec ({@linkcode spawnKernel}), connects a
 * {@linkcode KernelConnection}, and {@linkcode LaunchedKernel.execute} collects a request's reply
 * and its iopub messages up to `idle`. The notebook runner uses the same two pieces directly.
 *
 * @example
 * ```ts
 * import { launchKernel, seglabKernelSpec } from "seglab/runner";
 * const k = await launchKernel(seglabKernelSpec(), { cwd: "." });
 * const { outputs } = await k.execute("6 * 7");
 * console.log(outputs[0].content); // { execution_count: 1, data: { "text/plain": "42" }, … }
 * await k.stop();
 * ```
 * @module
 */
import process from "node:process";
import { type Message, parentId } from "../../kernel/protocol/message.ts";
import { KernelConnection } from "./connection.ts";
import type { KernelSpec } from "./kernelspecs.ts";
import { type KernelExit, type KernelProcess, spawnKernel } from "./spawn.ts";

/** What a request produced. */
export interface Exchange {
  reply: Message;
  /** iopub messages with this request as parent, `status` and `execute_input` excluded, in order. */
  outputs: Message[];
  /** Every iopub message with this request as parent, in order (status included). */
  iopub: Message[];
}

/** Options of {@linkcode launchKernel}. */
export interface LaunchOptions {
  /** The kernel's working directory. */
  cwd: string;
  /** Wait until the kernel answers `kernel_info` and its iopub reaches us (default true). */
  waitReady?: boolean;
  readyTimeoutMs?: number;
  /** Where the kernel's stdout/stderr go (default: this process's stderr). */
  output?: "inherit" | "null";
}

/** A started, connected kernel. */
export interface LaunchedKernel {
  readonly process: KernelProcess;
  readonly connection: KernelConnection;
  /** iopub messages that belong to no request sent through {@linkcode LaunchedKernel.request}. */
  readonly unclaimed: Message[];
  /**
   * Sends a request and resolves with its reply and iopub messages once both the reply and the
   * `idle` status arrived (`control` requests: once the reply arrived).
   */
  request(
    msgType: string,
    content: Record<string, unknown>,
    opts?: { channel?: "shell" | "control"; timeoutMs?: number },
  ): Promise<Exchange>;
  /** Runs code (an `execute_request`). */
  execute(code: string, opts?: { timeoutMs?: number; silent?: boolean }): Promise<Exchange>;
  /** Asks for shutdown, waits up to `graceMs`, then kills; closes the connection. */
  stop(graceMs?: number): Promise<KernelExit>;
}

interface Pending {
  iopub: Message[];
  idle: boolean;
  reply?: Message;
  done(): void;
}

/** Starts the kernel `spec` describes and connects to it (see the module doc). */
export async function launchKernel(spec: KernelSpec, opts: LaunchOptions): Promise<LaunchedKernel> {
  const kernel = await spawnKernel(spec, {
    cwd: opts.cwd,
    onOutput: opts.output === "null" ? undefined : (text) => process.stderr.write(text),
  });
  const connection = new KernelConnection(kernel.connection);
  const pending = new Map<string, Pending>();
  const unclaimed: Message[] = [];
  connection.onIopub((m) => {
    const p = pending.get(parentId(m) ?? "");
    if (!p) return void unclaimed.push(m);
    p.iopub.push(m);
    const c = m.content as { execution_state?: string };
    if (m.header.msg_type === "status" && c.execution_state === "idle") {
      p.idle = true;
      p.done();
    }
  });

  const request: LaunchedKernel["request"] = async (msgType, content, o = {}) => {
    const channel = o.channel ?? "shell";
    let done!: () => void;
    const idle = new Promise<void>((r) => done = r);
    const p: Pending = { iopub: [], idle: channel === "control", done };
    if (p.idle) done();
    const req = connection.send(channel, msgType, content);
    pending.set(req.header.msg_id, p);
    const deadline = o.timeoutMs ? Date.now() + o.timeoutMs : undefined;
    try {
      p.reply = await connection.reply(req, o.timeoutMs);
      const left = deadline === undefined ? undefined : Math.max(1, deadline - Date.now());
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<"late">((r) => {
        if (left !== undefined) timer = setTimeout(() => r("late"), left);
      });
      const got = await Promise.race([idle, late]);
      clearTimeout(timer);
      if (got === "late") throw new Error(`${msgType}: no idle status within ${o.timeoutMs} ms`);
    } finally {
      pending.delete(req.header.msg_id);
    }
    const outputs = p.iopub.filter((m) =>
      m.header.msg_type !== "status" && m.header.msg_type !== "execute_input"
    );
    return { reply: p.reply, outputs, iopub: p.iopub };
  };

  const stop = async (graceMs = 3000): Promise<KernelExit> => {
    if (!kernel.exit) {
      try {
        const req = connection.send("control", "shutdown_request", { restart: false });
        await Promise.race([connection.reply(req, graceMs), kernel.exited]);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([kernel.exited, new Promise((r) => timer = setTimeout(r, graceMs))]);
        clearTimeout(timer);
      } catch { /* not answering: killed below */ }
    }
    const exit = await kernel.kill(graceMs);
    await connection.close();
    return exit;
  };

  const launched: LaunchedKernel = {
    process: kernel,
    connection,
    unclaimed,
    request,
    execute: (code, o = {}) =>
      request("execute_request", {
        code,
        silent: o.silent ?? false,
        store_history: !(o.silent ?? false),
        user_expressions: {},
        allow_stdin: false,
        stop_on_error: true,
      }, { timeoutMs: o.timeoutMs }),
    stop,
  };
  if (opts.waitReady !== false) {
    try {
      await connection.waitForReady({ timeoutMs: opts.readyTimeoutMs ?? 30000, alive: () => !kernel.exit });
    } catch (e) {
      await stop(100);
      throw e;
    }
  }
  return launched;
}
