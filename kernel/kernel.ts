/**
 * Starts the seglab kernel in this process: the I/O worker (sockets), the language worker
 * (TypeScript language service) and, on this thread, the executor that runs cells.
 *
 * @example
 * ```ts
 * import { startKernel } from "seglab/kernel";
 * await startKernel({ connectionFile: Deno.args[0] });
 * ```
 * @module
 */
import type { IoInit, IoToMain, LangToMain, MainToIo, MainToLang, SharedState } from "./bridge.ts";
import { STDIN_BYTES } from "./bridge.ts";
import { type ConnectionInfo, readConnectionFile } from "./protocol/connection.ts";
import { newId } from "./protocol/message.ts";
import { kernelInfo } from "./kernel_info.ts";
import { Executor } from "./exec/executor.ts";
import { cellStorage } from "./exec/context.ts";
import { installCapture, installTimerTracking } from "./exec/capture.ts";
import { installStdin } from "./exec/stdin.ts";
import { installKernelApi } from "./exec/api.ts";
import { answerWidgetVersionProbe } from "./exec/widget_version.ts";
import { answerWidgetControl } from "./exec/widget_control.ts";
import { installExitFlush } from "./exec/exit_flush.ts";
import { stopThenExit } from "./stop_then_exit.ts";
import { setOutputSink } from "../lib/display/sink.ts";
import type { MimeBundle } from "../lib/core/mime.ts";

/** Options of {@linkcode startKernel}. */
export interface KernelOptions {
  /** The connection file Jupyter wrote. */
  connectionFile?: string;
  /** Or the connection itself. */
  connection?: ConnectionInfo;
  /** Type-check every cell (cells opt out with `// @nocheck`). */
  check?: boolean;
  /** Log every message to stderr. */
  debug?: boolean;
}

/** A running kernel. */
export interface RunningKernel {
  readonly session: string;
  /** Resolves when a shutdown request arrives (the process then exits). */
  readonly finished: Promise<{ restart: boolean }>;
}

/** Starts the kernel (see the module doc). Resolves once the sockets are bound. */
export async function startKernel(opts: KernelOptions): Promise<RunningKernel> {
  const info = opts.connection ?? (await readConnectionFile(opts.connectionFile ?? ""));
  const session = newId();
  const shared: SharedState = {
    interrupt: new SharedArrayBuffer(4),
    stdin: new SharedArrayBuffer(STDIN_BYTES),
    exit: new SharedArrayBuffer(4),
  };
  const flag = new Int32Array(shared.interrupt);
  Deno.env.set("NO_COLOR", "1");

  const io = new Worker(new URL("./io/io_worker.ts", import.meta.url).href, {
    type: "module",
    name: "seglab-io",
  });
  const lang = new Worker(new URL("./lang/lang_worker.ts", import.meta.url).href, {
    type: "module",
    name: "seglab-lang",
  });
  const ioLang = new MessageChannel();
  const mainLang = new MessageChannel();
  const postIo = (m: MainToIo) => io.postMessage(m);
  const postLang = (m: MainToLang) => mainLang.port1.postMessage(m);

  // Output capture comes first: from here on, everything cell code prints goes to its cell.
  const sinkRef: { executor?: Executor } = {};
  const { logErr } = installCapture((name, text) => sinkRef.executor?.print(name, text));
  const log = (s: string) => logErr(`[seglab kernel] ${s}\n`);
  const timers = installTimerTracking(() => cellStorage.getStore());
  const executor = new Executor({
    post: postIo,
    lang: postLang,
    flag,
    check: Boolean(opts.check),
    log,
    cwd: Deno.cwd(),
    cancelTimers: (ctx) => timers.cancelAll(ctx),
    cellMode: Deno.env.get("SEGLAB_CELL_MODE") === "module" ? "module" : "auto",
  });
  sinkRef.executor = executor;
  const ex = executor;
  installStdin(shared.stdin, ex.post, () => cellStorage.getStore(), (t) => ex.print("stdout", t));
  installKernelApi(ex, flag);
  answerWidgetVersionProbe(ex.comms);
  answerWidgetControl(ex.comms);
  installExitFlush(new Int32Array(shared.exit!), (code) => ex.beforeExit(code));
  setOutputSink({
    name: "seglab-kernel",
    display: (bundle, o) => ex.display(bundle as Record<string, unknown> | Promise<MimeBundle> as never, o),
  });
  globalThis.addEventListener("error", (e) => {
    e.preventDefault();
    ex.uncaught(e.error ?? new Error(e.message), timers.originOf(e.error) ?? cellStorage.getStore());
  });
  globalThis.addEventListener("unhandledrejection", (e) => {
    e.preventDefault();
    ex.uncaught(e.reason, cellStorage.getStore());
  });

  mainLang.port1.onmessage = (e) => ex.onLang(e.data as LangToMain);
  lang.postMessage({ t: "init", cwd: Deno.cwd() }, [ioLang.port2, mainLang.port2]);
  lang.onerror = (e) => {
    e.preventDefault();
    log(`the language worker failed: ${e.message}; completions and type checks are off`);
  };

  const stop = stopThenExit({
    interrupt: () => ex.interrupt(),
    busy: () => ex.router.running !== undefined,
    flag,
    log,
    exit: (code) => Deno.exit(code),
  });
  let finish!: (v: { restart: boolean }) => void;
  const finished = new Promise<{ restart: boolean }>((r) => (finish = r));
  const bound = new Promise<void>((resolve, reject) => {
    io.onmessage = (e) => {
      const m = e.data as IoToMain;
      switch (m.t) {
        case "bound":
          resolve();
          return;
        case "fatal":
          reject(new Error(m.error));
          return;
        case "terminate":
          stop(m.why, m.code);
          return;
        case "interrupt":
          ex.interrupt();
          return;
        case "shutdown":
          finish({ restart: m.restart });
          return;
        case "request": {
          const type = m.msg.header.msg_type;
          const run = type === "execute_request"
            ? ex.execute(m.reqId, m.msg, m.executionCount)
            : ex.comm(m.reqId, m.msg);
          run.catch((err) => {
            log(`internal error handling ${type}: ${(err as Error).stack ?? err}`);
            ex.post({
              t: "reply",
              reqId: m.reqId,
              msgType: type.replace("_request", "_reply"),
              content: { status: "error", ename: "KernelError", evalue: String(err), traceback: [] },
            });
            ex.post({ t: "done", reqId: m.reqId });
          });
          return;
        }
      }
    };
  });
  io.onerror = (e) => {
    e.preventDefault();
    log(`the I/O worker failed: ${e.message}; exiting`);
    Deno.exit(70);
  };
  const init: IoInit = {
    t: "init",
    info,
    session,
    shared,
    kernelInfo: kernelInfo(),
    debug: Boolean(opts.debug),
    pid: Deno.pid,
  };
  io.postMessage(init, [ioLang.port1]);
  // Load the TypeScript parser here while the I/O worker binds its sockets on its own thread.
  try {
    ex.warm();
  } catch (e) {
    log(`cannot load TypeScript: ${(e as Error).message}`);
  }
  await bound;
  return { session, finished };
}
