/**
 * Cell contexts: every execution gets one, and everything the cell starts — timers, promises,
 * callbacks — carries it (through `AsyncLocalStorage`, which Deno propagates through module
 * evaluation, timers and promise jobs). Output, errors and `display()` calls find their cell
 * through it, so output from a timer started by cell A goes to cell A while A runs, and is
 * labelled as A's after A has finished.
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { Header } from "../protocol/message.ts";

/** The context of the code now running (undefined outside cells). */
export const cellStorage: AsyncLocalStorage<CellContext> = new AsyncLocalStorage<CellContext>();

/** Raised in cell code when the user interrupts the kernel. */
export class InterruptError extends Error {
  override name = "InterruptError";
  constructor(message = "Interrupted by the user (kernel interrupt)") {
    super(message);
  }
}

/** One execution of a cell. */
export class CellContext {
  state: "running" | "finished" = "running";
  /** Set by an interrupt: the cell's awaits and timers stop. */
  cancelled = false;
  /** A silent execution: its output is not broadcast (the protocol's `silent`). */
  quiet = false;
  result: unknown = undefined;
  hasResult = false;
  /** The first error that ended the cell (its reply becomes an error). */
  error: { ename: string; evalue: string; traceback: string[] } | undefined;
  /** Timers the cell (or code it started) scheduled and that have not fired or been cleared. */
  readonly timers = new Set<number>();
  /** Output waiting behind an unresolved display bundle, in order. */
  tail: Promise<void> = Promise.resolve();
  blocked = 0;
  /**
   * Work the cell started that stops by itself when the cell is interrupted (`train`, `evaluate`,
   * `predict` watch the cell's signal): on a first interrupt the cell waits for it, so what it
   * says while stopping and saving belongs to this cell (see `Executor.interrupt`).
   */
  readonly held = new Set<Promise<unknown>>();
  /** True once an interrupt has granted the held work its time to stop. */
  graced = false;
  #abort!: (reason: unknown) => void;
  readonly #stop = new AbortController();
  /**
   * Aborted when the user interrupts this cell (reason: an `InterruptError`): library work the
   * cell started (`train`, `evaluate`, `predict`, data loaders) watches it and stops.
   */
  get signal(): AbortSignal {
    return this.#stop.signal;
  }
  /** Rejects when the cell is interrupted or fails from a callback; the executor races it. */
  readonly aborted: Promise<never>;

  constructor(
    /** The request that runs it (outputs carry it as their parent). */
    readonly parent: Header,
    /** The I/O worker's id of the request. */
    readonly reqId: string,
    /** `execution_count`, or null for silent executions. */
    readonly count: number | null,
    readonly allowStdin: boolean,
    readonly silent: boolean,
  ) {
    this.aborted = new Promise<never>((_, reject) => (this.#abort = reject));
    this.aborted.catch(() => {});
  }

  /** "In[3]" — how outputs and tracebacks name the cell. */
  get label(): string {
    return this.count === null ? "In[silent]" : `In[${this.count}]`;
  }

  /** Marks the cell interrupted: `cancelled`, and its `signal` aborted. */
  interrupted(): void {
    this.cancelled = true;
    if (!this.#stop.signal.aborted) this.#stop.abort(new InterruptError());
  }

  /** Holds `work` (see {@linkcode held}) until it settles. */
  hold(work: Promise<unknown>): void {
    const settled = work.then(() => {}, () => {});
    this.held.add(work);
    settled.then(() => this.held.delete(work));
  }

  /** Ends the cell now with `reason` (interrupt or an uncaught error from a callback). */
  abort(reason: unknown): void {
    this.#abort(reason);
  }
}
