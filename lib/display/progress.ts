/**
 * `Progress`: a reporter for long work. In a notebook it is one output updated in place; in a
 * terminal, a bar on stderr; in a CI log, a line every 10%.
 *
 * @example
 * ```ts
 * import { Progress } from "seglab";
 * const p = new Progress({ total: 100, label: "train", unit: "it" });
 * p.start();
 * for (let i = 1; i <= 100; i++) p.update(i, { loss: 1 / i });
 * p.done({ mIoU: 0.71 });
 * ```
 * @module
 */
import { getOutputSink } from "./sink.ts";
import type { ProgressState } from "./progress_state.ts";
import { progressBundle } from "./progress_format.ts";

/** Options of a {@linkcode Progress}. */
export interface ProgressOptions {
  /** Units in all, when known. */
  total?: number;
  /** Shown before the bar. Default "progress". */
  label?: string;
  /** Name of a unit. Default "it". */
  unit?: string;
  /** Least time between two redraws, in ms (the last state always shows). Default 100. */
  minIntervalMs?: number;
}

let counter = 0;

/** Reports the progress of long work through the current output sink. */
export class Progress {
  readonly id: string;
  readonly label: string;
  readonly unit: string;
  total?: number;
  #value = 0;
  #info: Record<string, number | string> = {};
  #startedAt = 0;
  #lastDraw = -Infinity;
  #status: ProgressState["status"] = "running";
  #started = false;
  readonly #minInterval: number;

  constructor(opts: ProgressOptions = {}) {
    this.id = `seglab-progress-${Date.now().toString(36)}-${(counter++).toString(36)}`;
    this.label = opts.label ?? "progress";
    this.unit = opts.unit ?? "it";
    this.total = opts.total;
    this.#minInterval = opts.minIntervalMs ?? 100;
  }

  /** The current state. */
  get state(): ProgressState {
    return {
      id: this.id,
      label: this.label,
      value: this.#value,
      total: this.total,
      unit: this.unit,
      info: { ...this.#info },
      startedAt: this.#startedAt,
      now: performance.now(),
      status: this.#status,
    };
  }

  /** Shows the reporter at 0 (called by the first `update` if not before). */
  start(info?: Record<string, number | string>): this {
    if (this.#started) return this;
    this.#started = true;
    this.#startedAt = performance.now();
    if (info) this.#info = { ...this.#info, ...info };
    this.#draw(true, false);
    return this;
  }

  /** Sets the units done to `value` and merges `info`. */
  update(value: number, info?: Record<string, number | string>): this {
    if (!this.#started) this.start();
    this.#value = value;
    if (info) this.#info = { ...this.#info, ...info };
    this.#draw(false, true);
    return this;
  }

  /** Adds `n` units (default 1). */
  tick(n = 1, info?: Record<string, number | string>): this {
    return this.update(this.#value + n, info);
  }

  /** Marks the work finished (or failed) and shows the final state. */
  done(info?: Record<string, number | string>, status: "done" | "failed" = "done"): this {
    if (!this.#started) this.start();
    if (info) this.#info = { ...this.#info, ...info };
    if (status === "done" && this.total !== undefined && this.#value < this.total) this.#value = this.total;
    this.#status = status;
    this.#draw(true, true);
    return this;
  }

  /** Marks the work failed, keeping the units done so far. */
  fail(info?: Record<string, number | string>): this {
    return this.done(info, "failed");
  }

  #draw(force: boolean, update: boolean): void {
    const now = performance.now();
    if (!force && now - this.#lastDraw < this.#minInterval) return;
    this.#lastDraw = now;
    const sink = getOutputSink();
    const s = this.state;
    if (sink.progress) sink.progress(s);
    else sink.display(progressBundle(s), { displayId: this.id, update });
  }
}
