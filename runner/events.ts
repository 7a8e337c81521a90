/**
 * What a notebook run reports while it goes: the events {@linkcode runNotebook} sends to its
 * `log` callback (the terminal log is one consumer; tests and tools can be others).
 * @module
 */
import type { Cell } from "./notebook.ts";

/** Status of a code cell in the output notebook (`metadata.seglab.status`). */
export type CellStatus = "pending" | "running" | "completed" | "failed" | "timed_out" | "skipped";

/** An event of a run. */
export type RunEvent =
  | { type: "start"; input: string; output: string; kernel: string; cwd: string; cells: number }
  | { type: "warning"; message: string }
  | { type: "parameters"; values: Record<string, unknown>; injectedAfter: number }
  | { type: "kernel-ready"; name: string; implementation: string; seconds: number }
  | { type: "kernel-output"; text: string; stream: "stdout" | "stderr" }
  | { type: "cell-start"; index: number; ordinal: number; total: number; cell: Cell }
  | { type: "output"; index: number; msgType: string; content: Record<string, unknown>; late: boolean }
  | {
    type: "cell-end";
    index: number;
    status: CellStatus;
    seconds: number;
    executionCount: number | null;
    error?: { ename: string; evalue: string };
    note?: string;
  }
  | { type: "saved"; path: string }
  | { type: "end"; exitCode: number; status: string; seconds: number; output: string; message?: string };

/** Receives run events. */
export type RunLog = (event: RunEvent) => void;
