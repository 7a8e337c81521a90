/**
 * The output sink: where `display()` and `Progress` send their output. A notebook kernel
 * installs its own (`setOutputSink`); without one, output goes to the terminal.
 * The sink lives on `globalThis` under `Symbol.for("seglab.outputSink")`, so every copy of the
 * library loaded in a process (source and built) shares it. `lib/` never imports `kernel/`.
 * @module
 */
import type { OutputSink } from "./output_sink.ts";
import { terminalSink } from "./terminal.ts";
import { tslabSink } from "./tslab_sink.ts";

export type { DisplayOptions, OutputSink } from "./output_sink.ts";

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
