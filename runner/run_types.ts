/**
 * The runner's options and results: what `runNotebook` takes and returns, shared by its
 * phases (`prepare.ts`, `run_record.ts`, `kernel_session.ts`, `run_cells.ts`).
 * @module
 */
import type { CellStatus, RunLog } from "./events.ts";
import type { ExitCode } from "./exit_codes.ts";
import type { KernelSearchOptions } from "./client/kernelspecs.ts";
import type { Notebook } from "./notebook.ts";
import type { ParamValue } from "./translators.ts";

/** The runner's version, recorded in `metadata.seglab.version`. */
export const RUNNER_VERSION = "0.1.0";

/** Options of `runNotebook`. */
export interface RunOptions {
  /** Output notebook path, or a folder (existing, or ending in "/"). Default `<name>.out.ipynb` beside the input. */
  out?: string;
  /** Allow the output to be the input file itself. */
  inplace?: boolean;
  /** Parameter values (typed: numbers, strings, booleans, lists, mappings). */
  parameters?: Record<string, ParamValue>;
  /** Per-cell timeout in seconds (0 or undefined: none). A cell tag `timeout=N` overrides it. */
  timeout?: number;
  /** Kernelspec name; default the notebook's `metadata.kernelspec.name`. "seglab" is this checkout's kernel. */
  kernel?: string;
  /** The kernel's working directory; default the notebook's folder. Relative paths are from `process.cwd()`. */
  cwd?: string;
  /** Record cell errors and keep going; the run then exits 0. */
  allowErrors?: boolean;
  /** Seconds to wait for the kernel to start (default 60). */
  startupTimeout?: number;
  /** Seconds an interrupted cell may take to stop before the kernel is killed (default 10). */
  interruptGrace?: number;
  /** Where events go: a callback, or false for none. Default: the terminal log on stderr. */
  log?: RunLog | false;
  /** The kernel's environment (default: this process's). */
  env?: Record<string, string | undefined>;
  /** Where kernelspecs are looked up (default: Jupyter's search path). */
  kernelSearch?: KernelSearchOptions;
  /** Stops the run: the running cell is interrupted, the notebook written, exit code 130. */
  signal?: AbortSignal;
  /** Also write a static HTML page: a path, or true for `<output>.html`. */
  html?: string | boolean;
  /** Write the parameterized notebook without executing it. */
  prepareOnly?: boolean;
  /** Seconds between autosaves while running (default 10). */
  autosaveSeconds?: number;
}

/** A code cell's result. */
export interface CellReport {
  /** Index in the output notebook's cells. */
  index: number;
  id: string;
  status: CellStatus;
  /** Seconds, or undefined for cells that did not run. */
  duration?: number;
  executionCount: number | null;
  error?: { ename: string; evalue: string };
}

/** What `runNotebook` returns. */
export interface RunResult {
  input: string;
  output: string;
  html?: string;
  exitCode: ExitCode;
  status: "completed" | "failed" | "timed_out" | "kernel_died" | "aborted" | "prepared";
  /** A one-line explanation when not completed. */
  message?: string;
  kernel: { name: string; display_name: string; language: string; implementation?: string };
  cells: CellReport[];
  warnings: string[];
  /** Seconds, start to end. */
  duration: number;
  notebook: Notebook;
}
