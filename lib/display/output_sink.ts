/**
 * The shape of an output sink (where `display()` and `Progress` send their output) and of a
 * display call's options. Kept apart from `sink.ts`, which chooses the sink, so the sinks
 * (`terminal.ts`, `tslab_sink.ts`) name the shape without importing the chooser.
 * @module
 */
import type { MimeBundle } from "../core/mime.ts";
import type { ProgressState } from "./progress_state.ts";

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
