/**
 * The I/O worker: owns the five ZeroMQ sockets, verifies and signs every message, answers
 * heartbeats, `kernel_info`, `history`, `comm_info`, `interrupt` and `shutdown` itself — so the
 * kernel stays responsive while a cell keeps the main thread busy — and streams the main
 * thread's output to iopub as it comes. Shell requests run one at a time, in order: each gets
 * `busy`, its reply, every output, then `idle`.
 * @module
 */
/// <reference lib="deno.worker" />
import type { IoInit, IoToLang, IoToMain, LangToIo, MainToIo } from "../bridge.ts";
import { STDIN } from "../bridge.ts";
import { bindKernelSockets, type KernelSockets, receiveLoop, SendQueue } from "../protocol/zmq.ts";
import { createSigner, ReplayGuard, type Signer } from "../protocol/signer.ts";
import { decodeFrames, encodeFrames } from "../protocol/wire.ts";
import { type Header, makeMessage, type Message } from "../protocol/message.ts";
import { History } from "./history.ts";
import { StreamCoalescer } from "./stream_coalescer.ts";

interface Pending {
  reqId: string;
  channel: "shell" | "control";
  identities: Uint8Array[];
  msg: Message;
}

const enc = new TextEncoder();
let init: IoInit;
let sockets: KernelSockets;
let signer: Signer;
let shellQ: SendQueue, controlQ: SendQueue, iopubQ: SendQueue, stdinQ: SendQueue;
let langPort: MessagePort;
const replay = new ReplayGuard();
const history = new History();
const queue: Pending[] = [];
const byId = new Map<string, Pending>();
let current: Pending | undefined;
let abortQueued = false;
const openComms = new Map<string, string>(); // comm_id → target_name
let interruptFlag: Int32Array;
let stdinHead: Int32Array;
let stdinBytes: Uint8Array;
let stdinWaiting: { reqId: string } | undefined;
let shuttingDown = false;
let reqCounter = 0;
/** The kernel's execution count: this thread numbers executions, in the order it dispatches them. */
let executionCount = 0;

function log(text: string): void {
  console.error(`[seglab kernel] ${text}`);
}

function post(m: IoToMain): void {
  self.postMessage(m);
}

// ---------------------------------------------------------------- iopub

const coalescer = new StreamCoalescer((parent, name, text) => sendIopubNow(parent, "stream", { name, text }));

function sendIopubNow(
  parent: Header | Record<string, never>,
  msgType: string,
  content: Record<string, unknown>,
  metadata?: Record<string, unknown>,
  buffers?: Uint8Array[],
): void {
  const msg = makeMessage(msgType, content, {
    session: init.session,
    username: "kernel",
    parent,
    metadata,
    buffers,
  });
  const topic = enc.encode(`kernel.${init.session}.${msgType}`);
  const frames = encodeFrames(msg, signer, [topic]);
  if (iopubHeld) iopubHeld.push(frames);
  else iopubQ.send(frames);
  if (msgType === "execute_input") {
    history.recordInput(content.execution_count as number, content.code as string);
  }
  if (msgType === "execute_result") {
    history.recordOutput(
      content.execution_count as number,
      (content.data as Record<string, unknown>)?.["text/plain"],
    );
  }
  if (msgType === "comm_open") openComms.set(content.comm_id as string, content.target_name as string);
  if (msgType === "comm_close") openComms.delete(content.comm_id as string);
}

function publish(
  parent: Header | Record<string, never>,
  msgType: string,
  content: Record<string, unknown>,
  metadata?: Record<string, unknown>,
  buffers?: Uint8Array[],
): void {
  if (msgType === "stream") {
    coalescer.push(parent, content.name as string, content.text as string);
    return;
  }
  coalescer.flush();
  sendIopubNow(parent, msgType, content, metadata, buffers);
}

function status(parent: Header | Record<string, never>, state: "busy" | "idle" | "starting"): void {
  publish(parent, "status", { execution_state: state });
}

/**
 * iopub messages held until the first client subscribes. PUB/SUB drops what is published before
 * a subscription reaches the publisher, so a client that sends a request as soon as it connects
 * (without first waiting, as jupyter_client does, for kernel_info and an iopub message) lost its
 * first cell's busy, execute_input, outputs, even its idle — and then waited forever. Measured
 * with requests sent at once after spawning: 2-3 starts in 12 hung. Released at the first
 * subscription, or after {@linkcode IOPUB_HOLD_MS} when nobody subscribes.
 */
let iopubHeld: Uint8Array[][] | undefined = [];
const IOPUB_HOLD_MS = 3000;

function releaseIopub(): void {
  const held = iopubHeld;
  if (!held) return;
  iopubHeld = undefined;
  for (const frames of held) iopubQ.send(frames);
}

function watchSubscriptions(): void {
  const stop = new AbortController();
  const release = () => {
    stop.abort();
    clearTimeout(timer);
    releaseIopub();
  };
  const timer = setTimeout(release, IOPUB_HOLD_MS);
  receiveLoop(
    sockets.iopub,
    (frames) => {
      // An XPUB reports a subscription as one frame: 1, then the topic (0 unsubscribes).
      if (frames[0]?.[0] === 1) release();
    },
    "poll",
    10,
    stop.signal,
  ).catch((e) => {
    log(`watching iopub subscriptions failed (${(e as Error).message}); publishing without waiting`);
    release();
  });
}

// ---------------------------------------------------------------- replies

function reply(
  p: Pending,
  msgType: string,
  content: Record<string, unknown>,
  metadata?: Record<string, unknown>,
): void {
  coalescer.flush();
  const msg = makeMessage(msgType, content, {
    session: init.session,
    username: "kernel",
    parent: p.msg.header,
    metadata,
  });
  const frames = encodeFrames(msg, signer, p.identities);
  (p.channel === "control" ? controlQ : shellQ).send(frames);
  if (msgType === "execute_reply" && content.status === "error") {
    const stop = (p.msg.content as { stop_on_error?: boolean }).stop_on_error;
    if (stop !== false) abortQueued = true;
  }
}

function done(reqId: string): void {
  const p = byId.get(reqId);
  if (!p) return;
  byId.delete(reqId);
  if (p.channel === "shell") status(p.msg.header, "idle");
  if (current === p) {
    current = undefined;
    if (abortQueued) abortQueuedExecutes();
    pump();
  }
}

function abortQueuedExecutes(): void {
  abortQueued = false;
  const keep: Pending[] = [];
  for (const p of queue) {
    if (p.msg.header.msg_type === "execute_request") {
      status(p.msg.header, "busy");
      reply(p, "execute_reply", { status: "aborted", execution_count: null });
      byId.delete(p.reqId);
      status(p.msg.header, "idle");
    } else keep.push(p);
  }
  queue.splice(0, queue.length, ...keep);
}

// ---------------------------------------------------------------- shell

const MAIN_TYPES = new Set(["execute_request", "comm_open", "comm_msg", "comm_close"]);
const LANG_TYPES = new Set(["complete_request", "inspect_request", "is_complete_request"]);

function pump(): void {
  if (current || shuttingDown) return;
  const p = queue.shift();
  if (!p) return;
  current = p;
  const type = p.msg.header.msg_type;
  try {
    if (type === "execute_request") {
      // The main thread starts on the cell first; busy and execute_input leave meanwhile, still
      // before any output (outputs reach this thread as later messages).
      const c = p.msg.content as { code?: unknown; silent?: boolean; store_history?: boolean };
      const silent = Boolean(c.silent);
      if (!silent && c.store_history !== false) executionCount++;
      post({ t: "request", reqId: p.reqId, channel: "shell", msg: p.msg, executionCount });
      status(p.msg.header, "busy");
      if (!silent) {
        publish(p.msg.header, "execute_input", {
          code: typeof c.code === "string" ? c.code : "",
          execution_count: executionCount,
        });
      }
      return;
    }
    status(p.msg.header, "busy");
    if (MAIN_TYPES.has(type)) {
      const c = p.msg.content as { comm_id?: string; target_name?: string };
      if (type === "comm_open" && c.comm_id) openComms.set(c.comm_id, String(c.target_name ?? ""));
      if (type === "comm_close" && c.comm_id) openComms.delete(c.comm_id);
      post({ t: "request", reqId: p.reqId, channel: "shell", msg: p.msg });
    } else if (LANG_TYPES.has(type)) {
      langPort.postMessage({ t: "request", reqId: p.reqId, msg: p.msg } satisfies IoToLang);
    } else {
      handleLocal(p);
      done(p.reqId);
    }
  } catch (e) {
    log(`error handling ${type}: ${(e as Error).stack ?? e}`);
    done(p.reqId);
  }
}

function handleLocal(p: Pending): void {
  const type = p.msg.header.msg_type;
  const c = p.msg.content as Record<string, unknown>;
  switch (type) {
    case "kernel_info_request":
      reply(p, "kernel_info_reply", init.kernelInfo);
      return;
    case "history_request":
      reply(p, "history_reply", { status: "ok", history: history.query(c) });
      return;
    case "comm_info_request": {
      const target = typeof c.target_name === "string" ? c.target_name : undefined;
      const comms: Record<string, { target_name: string }> = {};
      for (const [id, t] of openComms) if (!target || t === target) comms[id] = { target_name: t };
      reply(p, "comm_info_reply", { status: "ok", comms });
      return;
    }
    case "shutdown_request":
      shutdown(p);
      return;
    case "interrupt_request":
      interrupt();
      reply(p, "interrupt_reply", { status: "ok" });
      return;
    default:
      log(`ignored a ${type} on ${p.channel}: this kernel does not handle that message type`);
      if (type.endsWith("_request")) {
        reply(p, type.replace(/_request$/, "_reply"), {
          status: "error",
          ename: "NotImplemented",
          evalue: `the seglab kernel does not handle ${type}`,
          traceback: [],
        });
      }
  }
}

// ---------------------------------------------------------------- control

function interrupt(): void {
  Atomics.store(interruptFlag, 0, 1);
  if (stdinWaiting) {
    Atomics.store(stdinHead, 0, STDIN.INTERRUPTED);
    Atomics.notify(stdinHead, 0);
    stdinWaiting = undefined;
  }
  post({ t: "interrupt" });
  const running = current;
  if (running && running.msg.header.msg_type === "execute_request") {
    // Tell the user when the running code does not reach an interrupt check soon.
    setTimeout(() => {
      if (current === running && Atomics.load(interruptFlag, 0) === 1) {
        publish(running.msg.header, "stream", {
          name: "stderr",
          text:
            "[seglab kernel] interrupt requested 3 s ago; the running code has not reached an interrupt " +
            "check yet (a long call into a library or the runtime cannot be stopped from outside). seglab's " +
            "train, evaluate and predict stop after the step in progress (training then saves its checkpoint); " +
            "cell code stops at its next loop iteration or await. Restarting the kernel stops it at once, " +
            "without saving.\n",
        });
      }
    }, 3000);
  }
}

function shutdown(p: Pending): void {
  const restart = Boolean((p.msg.content as { restart?: boolean }).restart);
  reply(p, "shutdown_reply", { status: "ok", restart });
  shuttingDown = true;
  releaseIopub();
  Promise.all([shellQ.flush(), controlQ.flush(), iopubQ.flush()]).finally(() => {
    post({ t: "shutdown", restart });
    // The main thread exits when it is free; a busy main thread cannot, so end the process.
    setTimeout(() => {
      log("main thread busy at shutdown; ending the process");
      Deno.kill(init.pid, "SIGKILL");
    }, 1500);
  });
}

// ---------------------------------------------------------------- stdin

function sendInputRequest(m: Extract<MainToIo, { t: "input_request" }>): void {
  const p = byId.get(m.reqId);
  if (!p) {
    Atomics.store(stdinHead, 0, STDIN.UNAVAILABLE);
    Atomics.notify(stdinHead, 0);
    return;
  }
  stdinWaiting = { reqId: m.reqId };
  coalescer.flush();
  const msg = makeMessage("input_request", { prompt: m.prompt, password: m.password }, {
    session: init.session,
    username: "kernel",
    parent: p.msg.header,
  });
  stdinQ.send(encodeFrames(msg, signer, p.identities));
}

function onInputReply(msg: Message): void {
  if (!stdinWaiting) {
    log("ignored an input_reply: no input was requested");
    return;
  }
  const value = String((msg.content as { value?: unknown }).value ?? "");
  const bytes = enc.encode(value);
  const n = Math.min(bytes.length, stdinBytes.length);
  stdinBytes.set(bytes.subarray(0, n));
  Atomics.store(stdinHead, 1, n);
  Atomics.store(stdinHead, 0, STDIN.REPLIED);
  Atomics.notify(stdinHead, 0);
  stdinWaiting = undefined;
}

// ---------------------------------------------------------------- loops

function receive(channel: "shell" | "control" | "stdin", frames: Uint8Array[]): void {
  const d = decodeFrames(frames, signer, replay);
  if (!d.ok) {
    log(`refused a message on ${channel}${d.msgType ? ` (${d.msgType})` : ""}: ${d.reason}; not executed`);
    return;
  }
  const msg = d.message;
  if (init.debug) log(`${channel} ← ${msg.header.msg_type}`);
  if (channel === "stdin") {
    if (msg.header.msg_type === "input_reply") onInputReply(msg);
    else log(`ignored a ${msg.header.msg_type} on stdin`);
    return;
  }
  const p: Pending = { reqId: `r${++reqCounter}`, channel, identities: d.identities, msg };
  byId.set(p.reqId, p);
  if (channel === "control") {
    const type = msg.header.msg_type;
    if (type === "interrupt_request") {
      interrupt();
      reply(p, "interrupt_reply", { status: "ok" });
    } else if (type === "shutdown_request") shutdown(p);
    else if (type === "kernel_info_request") reply(p, "kernel_info_reply", init.kernelInfo);
    else handleLocal(p);
    byId.delete(p.reqId);
    return;
  }
  if (shuttingDown) return;
  queue.push(p);
  pump();
}

function loop(name: "shell" | "control" | "stdin"): Promise<void> {
  return receiveLoop(sockets[name], (frames) => {
    try {
      receive(name, frames);
    } catch (e) {
      log(`error on ${name}: ${(e as Error).stack ?? e}`);
    }
  }, "kick");
}

let hbQ: SendQueue;
function heartbeat(): Promise<void> {
  // A ROUTER answering REQ clients: the frames (identity, empty delimiter, payload) go back as they came.
  return receiveLoop(sockets.hb, (frames) => void hbQ.send(frames), "kick");
}

function onMain(m: MainToIo): void {
  switch (m.t) {
    case "iopub":
      publish(m.parent, m.msgType, m.content, m.metadata, m.buffers);
      return;
    case "reply": {
      const p = byId.get(m.reqId);
      if (p) reply(p, m.msgType, m.content, m.metadata);
      return;
    }
    case "done":
      done(m.reqId);
      return;
    case "lang":
      langPort.postMessage(m.m satisfies IoToLang);
      return;
    case "input_request":
      sendInputRequest(m);
      return;
    case "ready":
      return;
    case "batch":
      for (const one of m.messages) onMain(one);
      return;
    case "exit":
      flushBeforeExit();
      return;
  }
}

/**
 * The main thread is exiting (cell code called `Deno.exit`/`process.exit`) and waits on the
 * shared `exit` flag: hand everything queued to ZeroMQ, give its I/O thread a moment to put it on
 * the wire, then release the main thread (which exits at most 3 s after asking).
 */
function flushBeforeExit(): void {
  coalescer.flush();
  releaseIopub();
  shuttingDown = true;
  const release = () => {
    if (!init.shared.exit) return;
    const f = new Int32Array(init.shared.exit);
    Atomics.store(f, 0, 1);
    Atomics.notify(f, 0);
  };
  Promise.all([shellQ.flush(), controlQ.flush(), iopubQ.flush()])
    .then(() => new Promise((r) => setTimeout(r, 100)))
    .finally(release);
}

function onLang(m: LangToIo): void {
  const p = byId.get(m.reqId);
  if (!p) return;
  reply(p, m.msgType, m.content);
  done(m.reqId);
}

async function start(m: IoInit, port: MessagePort): Promise<void> {
  init = m;
  signer = createSigner(m.info.signature_scheme, m.info.key);
  interruptFlag = new Int32Array(m.shared.interrupt);
  stdinHead = new Int32Array(m.shared.stdin, 0, 2);
  stdinBytes = new Uint8Array(m.shared.stdin, 8);
  langPort = port;
  langPort.onmessage = (e) => onLang(e.data as LangToIo);
  if (m.debug) log(`I/O worker starting`);
  sockets = await bindKernelSockets(m.info);
  if (m.debug) log(`sockets bound`);
  const onSendError = (e: unknown) => log(`send failed: ${(e as Error).message ?? e}`);
  shellQ = new SendQueue(sockets.shell, onSendError);
  controlQ = new SendQueue(sockets.control, onSendError);
  iopubQ = new SendQueue(sockets.iopub, onSendError);
  stdinQ = new SendQueue(sockets.stdin, onSendError);
  hbQ = new SendQueue(sockets.hb, onSendError);
  watchSubscriptions();
  status({}, "starting");
  for (const l of [loop("shell"), loop("control"), loop("stdin"), heartbeat()]) {
    l.catch((e) => {
      if (!shuttingDown) fatal(`socket loop failed: ${(e as Error).stack ?? e}`);
    });
  }
  // SIGINT (signal-mode interrupts, or Ctrl-C in a terminal) interrupts the cell instead of killing us.
  try {
    Deno.addSignalListener("SIGINT", interrupt);
    // SIGTERM (a scheduler's cancel or time limit, docker stop, jupyter_client's terminate):
    // stop the running cell as an interrupt does, so training saves, then exit.
    Deno.addSignalListener("SIGTERM", () => terminate("SIGTERM", 143));
  } catch { /* not on this platform */ }
  watchParent();
  post({ t: "bound" });
}

/** The parent's pid (Linux: from /proc), or undefined where it cannot be read. */
function parentPid(): number | undefined {
  try {
    const stat = Deno.readTextFileSync(`/proc/${init.pid}/stat`);
    return Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
  } catch {
    return undefined;
  }
}

/**
 * Ends the kernel when the process that started it is gone (as ipykernel's parent poller does),
 * so a crashed Jupyter server or client leaves no kernel spinning behind it; the running cell is
 * interrupted first (see `kernel/stop_then_exit.ts`).
 */
function watchParent(): void {
  const first = parentPid();
  if (first === undefined || first <= 1) return;
  const id = setInterval(() => {
    const now = parentPid();
    if (now !== undefined && now !== first) {
      clearInterval(id);
      terminate(`the process that started the kernel (pid ${first}) is gone`, 0);
    }
  }, 1000);
}

let terminating = false;

/**
 * SIGTERM or a lost parent: interrupt the running cell at once (the shared flag: training stops
 * after its step and saves) and ask the main thread to exit once the cell has ended; should it
 * not manage within its grace, the process ends anyway. A second SIGTERM ends it now.
 */
function terminate(why: string, code: number): void {
  if (terminating) {
    log(`${why} again: exiting now`);
    Deno.kill(init.pid, "SIGKILL");
    return;
  }
  terminating = true;
  interrupt();
  post({ t: "terminate", why, code });
  setTimeout(() => {
    log(`${why}: the running cell did not end within 65 s; exiting`);
    Deno.kill(init.pid, "SIGKILL");
  }, 65_000);
}

function fatal(error: string): void {
  log(error);
  post({ t: "fatal", error });
  setTimeout(() => Deno.kill(init.pid, "SIGKILL"), 500);
}

self.onmessage = (e: MessageEvent) => {
  const m = e.data as IoInit | MainToIo;
  if (m.t === "init") {
    start(m as IoInit, e.ports[0]).catch((err) => fatal(`cannot start: ${(err as Error).message}`));
    return;
  }
  try {
    onMain(m as MainToIo);
  } catch (err) {
    log(`error handling ${m.t} from the main thread: ${(err as Error).stack ?? err}`);
  }
};

self.addEventListener("error", (e) => {
  e.preventDefault();
  fatal(`uncaught error in the I/O worker: ${e.message}`);
});
self.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  fatal(`unhandled rejection in the I/O worker: ${(e.reason as Error)?.stack ?? e.reason}`);
});
