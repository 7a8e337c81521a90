/**
 * The messages the kernel's three threads exchange: the main thread (runs cells), the I/O worker
 * (owns every ZeroMQ socket, so it answers heartbeats, interrupts and shutdowns while a cell is
 * busy, and streams output live), and the language worker (TypeScript language service).
 * @module
 */
import type { ConnectionInfo } from "./protocol/connection.ts";
import type { Header, Message } from "./protocol/message.ts";

/** Shared memory between the threads. */
export interface SharedState {
  /** `Int32Array` view: [0] interrupt requested (1) — read by the loop guards of cells. */
  interrupt: SharedArrayBuffer;
  /** stdin hand-off: Int32 [state, byteLength] then UTF-8 bytes. */
  stdin: SharedArrayBuffer;
  /** `Int32Array` view: [0] becomes 1 when the I/O worker has sent everything before an exit. */
  exit?: SharedArrayBuffer;
}

/** stdin hand-off states (`Int32Array(stdin)[0]`). */
export const STDIN = { WAITING: 0, REPLIED: 1, INTERRUPTED: 2, UNAVAILABLE: 3 } as const;
/** Bytes of the stdin hand-off buffer (header included). */
export const STDIN_BYTES = 1 << 20;

/** What the kernel tells the I/O worker at start. */
export interface IoInit {
  t: "init";
  info: ConnectionInfo;
  session: string;
  shared: SharedState;
  kernelInfo: Record<string, unknown>;
  /** Log protocol traffic to stderr. */
  debug: boolean;
  /** The process id (in a worker, `Deno.pid` may be the thread's). */
  pid: number;
}

/** Main thread → I/O worker. */
export type MainToIo =
  | {
    t: "iopub";
    parent: Header | Record<string, never>;
    msgType: string;
    content: Record<string, unknown>;
    metadata?: Record<string, unknown>;
    buffers?: Uint8Array[];
  }
  | {
    t: "reply";
    reqId: string;
    msgType: string;
    content: Record<string, unknown>;
    metadata?: Record<string, unknown>;
  }
  | { t: "done"; reqId: string }
  /** Several messages handled in order, for one wake-up of the I/O worker instead of several. */
  | { t: "batch"; messages: MainToIo[] }
  | { t: "input_request"; reqId: string; prompt: string; password: boolean }
  | { t: "ready" }
  /** Cell code is exiting the process: send everything queued, then set `exit[0]` to 1. */
  | { t: "exit"; code: number };

/** I/O worker → main thread. */
export type IoToMain =
  | {
    t: "request";
    reqId: string;
    channel: "shell" | "control";
    msg: Message;
    /**
     * `execute_request`s: the execution count the I/O worker gave it; it has published
     * `execute_input` already.
     */
    executionCount?: number;
  }
  | { t: "interrupt" }
  | { t: "shutdown"; restart: boolean }
  | { t: "bound" }
  | { t: "fatal"; error: string }
  /**
   * SIGTERM, or the process that started the kernel is gone: the running cell is interrupted
   * (the shared flag is set already), then the process exits with `code` (kernel/stop_then_exit.ts).
   */
  | { t: "terminate"; why: string; code: number };

/** I/O worker → language worker, and back. */
export type IoToLang = { t: "request"; reqId: string; msg: Message };
export type LangToIo = { t: "reply"; reqId: string; msgType: string; content: Record<string, unknown> };

/** Main thread → language worker. */
export type MainToLang =
  | { t: "executed"; cell: number; code: string }
  | { t: "check"; id: number; cell: number; code: string }
  | { t: "warm" };

/** A diagnostic at a cell position (1-based line and column). */
export interface CellDiagnostic {
  line: number;
  column: number;
  code: number;
  category: "error" | "warning" | "suggestion" | "message";
  message: string;
}

/** Language worker → main thread. */
export type LangToMain = { t: "diagnostics"; id: number; diagnostics: CellDiagnostic[]; error?: string };
