/** The state of a progress reporter, as sinks receive it. */
export interface ProgressState {
  /** Unique per reporter; also its display id in notebooks. */
  readonly id: string;
  readonly label: string;
  /** Units done so far. */
  readonly value: number;
  /** Units in all, when known. */
  readonly total?: number;
  /** Name of a unit ("it", "img", …). */
  readonly unit: string;
  /** Extra figures shown after the bar (loss, lr, mIoU…). */
  readonly info: Readonly<Record<string, number | string>>;
  /** `performance.now()` at start. */
  readonly startedAt: number;
  /** `performance.now()` at this state. */
  readonly now: number;
  /** "running", "done", or "failed". */
  readonly status: "running" | "done" | "failed";
}
