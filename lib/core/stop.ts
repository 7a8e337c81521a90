/**
 * Stopping long work when asked: `stopWatch(signal)` combines an explicit `AbortSignal` (the
 * `signal` option of `train`, `evaluate`, `predict`, `batches`) with the running notebook cell's
 * interrupt, which the seglab kernel provides to cell code (`cellSignal()` of its API, found on
 * `globalThis` so `lib/` never imports the kernel). Library loops call `requested()` once per
 * iteration or batch and, when it is true, finish the step they are in, free its tensors and stop.
 *
 * In a kernel the interrupt is also visible before the main thread has handled the kernel's
 * interrupt message: the kernel's shared interrupt flag is read directly (`interruptRequested()`),
 * so a loop whose awaits never yield to the event loop still stops within one step.
 *
 * `StoppedError` is what a stopped `evaluate`/`predict`/`batches` raises: it says where the work
 * stopped and why. (`train` returns instead: its result says where it stopped and what it saved.)
 *
 * @example
 * ```ts
 * const stop = stopWatch(opts.signal);
 * for (let i = 0; i < n; i++) {
 *   if (stop.requested()) throw new StoppedError(`evaluate: stopped at batch ${i} of ${n} (${stop.reason()})`, { at: i, reason: stop.reason() });
 *   …
 * }
 * ```
 * @module
 */

/** What the kernel API offers for stopping (see kernel/exec/api.ts). */
interface KernelStopApi {
  cellSignal?(): AbortSignal | undefined;
  interruptRequested?(): boolean;
  holdInterrupt?(work: Promise<unknown>): void;
}

const KERNEL_API = Symbol.for("seglab.kernel");

function kernel(): KernelStopApi | undefined {
  return (globalThis as Record<symbol, unknown>)[KERNEL_API] as KernelStopApi | undefined;
}

/** The running notebook cell's stop signal (aborted when the user interrupts it); undefined outside the kernel. */
export function cellSignal(): AbortSignal | undefined {
  return kernel()?.cellSignal?.();
}

/**
 * Returns `work` after telling the kernel (when it runs in a notebook cell) that it stops by itself
 * on the cell's interrupt: the interrupted cell then waits for it, so what it says while stopping
 * and saving, and its `StoppedError`, show in that cell rather than with the next one.
 */
export function stopsWithCell<T>(work: Promise<T>): Promise<T> {
  kernel()?.holdInterrupt?.(work);
  return work;
}

/** A stop request source: an explicit signal and/or the running cell's interrupt. */
export interface StopWatch {
  /** The combined signal (undefined when there is nothing to watch). */
  readonly signal: AbortSignal | undefined;
  /** True once a stop was asked for. */
  requested(): boolean;
  /** Why: "interrupt" (notebook), "SIGINT"/"SIGTERM"/… (command line), or the signal's reason. */
  reason(): string;
  /**
   * True when the stop came from the notebook cell's interrupt (not the explicit signal): the
   * cell has ended, so nobody awaits the work's result any more.
   */
  byInterrupt(): boolean;
}

/**
 * Watches `signal` and, when this code runs in a seglab kernel cell, that cell's interrupt.
 * `null` watches nothing (work that its caller stops itself, e.g. the trainer's batches).
 */
export function stopWatch(signal?: AbortSignal | null): StopWatch {
  if (signal === null) {
    return {
      signal: undefined,
      requested: () => false,
      reason: () => "not stopped",
      byInterrupt: () => false,
    };
  }
  const k = kernel();
  const cell = k?.cellSignal?.();
  const signals = [signal, cell].filter((s): s is AbortSignal => Boolean(s));
  const combined = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  let flagSeen = false;
  return {
    signal: combined,
    requested() {
      if (combined?.aborted) return true;
      // The kernel's flag is set by its I/O thread at once; the cell's signal follows when the
      // main thread next reaches its event loop.
      if (cell && !flagSeen && k?.interruptRequested?.()) flagSeen = true;
      return flagSeen;
    },
    reason() {
      if (!combined?.aborted) return flagSeen ? "interrupt" : "not stopped";
      return describeReason(combined.reason);
    },
    byInterrupt() {
      return !signal?.aborted && (Boolean(cell?.aborted) || flagSeen);
    },
  };
}

/** A short word for an abort reason. */
export function describeReason(r: unknown): string {
  if (typeof r === "string") return r;
  if (r instanceof Error) {
    if (r.name === "InterruptError") return "interrupt";
    if (r.name === "AbortError") return "aborted";
    return r.message || r.name;
  }
  return r === undefined ? "aborted" : String(r);
}

/** Work stopped on request: where, why, and what was kept. */
export class StoppedError extends Error {
  override name = "StoppedError";
  /** The step / batch / sample index it stopped at (work done before it is complete). */
  readonly at: number;
  readonly reason: string;
  /** What was written before stopping (files, a checkpoint), when anything was. */
  readonly saved: string | null;
  constructor(message: string, info: { at: number; reason: string; saved?: string | null }) {
    super(message);
    this.at = info.at;
    this.reason = info.reason;
    this.saved = info.saved ?? null;
  }
}
