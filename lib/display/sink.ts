/**
 * The output sink: where `display()` and `Progress` send their output. A notebook kernel
 * installs its own (`setOutputSink`); without one, output goes to the terminal.
 * The sink lives on `globalThis` under `Symbol.for("seglab.outputSink")`, so every copy of the
 * library loaded in a process (source and built) shares it. `lib/` never imports `kernel/`.
 * @module
 */
import type { MimeBundle } from "./mime.ts";
import type { ProgressState } from "./progress_state.ts";
import { terminalSink } from "./terminal.ts";
import { tslabSink } from "./tslab_sink.ts";

/** Options of one display call. */
export interface DisplayOptions {
  /** Identifies an output that later calls may replace (`update_display_data`). */
  displayId?: string;
  /** Replace the output with this `displayId` instead of adding a new one. */
  update?: boolean;
}

/** Where output goes. */
export interface OutputSink {
  /** A short name: "terminal", "seglab-kernel", "tslab", … */
  readonly name: string;
  /** Shows a bundle (or a bundle still being computed). */
  display(bundle: MimeBundle | Promise<MimeBundle>, opts: DisplayOptions): void;
  /** Draws a progress reporter's state; when absent, progress renders as an updating display. */
  progress?(state: ProgressState): void;
}

const KEY = Symbol.for("seglab.outputSink");
type Holder = { [KEY]?: OutputSink | null };

/** Installs `sink` as the destination of all display output (`null` restores the terminal). */
export function setOutputSink(sink: OutputSink | null): void {
  (globalThis as Holder)[KEY] = sink;
}

let tslab: OutputSink | null | undefined;

/** The installed sink; else tslab's when running in a tslab kernel; else the terminal. */
export function getOutputSink(): OutputSink {
  const installed = (globalThis as Holder)[KEY];
  if (installed) return installed;
  if (tslab === undefined) tslab = tslabSink() ?? null;
  return tslab ?? terminalSink;
}
