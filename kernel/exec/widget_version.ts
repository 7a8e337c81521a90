/**
 * The Jupyter widgets version probe. Front ends that ship ipywidgets 6's `jupyter-js-widgets`
 * (Debian's Notebook 6 nbextension, 2.1.4) open a comm on `jupyter.widget.version` when they
 * connect and wait for the kernel's wanted version range; they answer with their own version.
 * The kernel answers at start-up, before any widget exists, and keeps the front end's version
 * for `seglab/widgets`, which then speaks protocol 1 to a 2.x front end and protocol 2 otherwise.
 * @module
 */
import type { CommManager } from "./comm.ts";

/** Where the front end's reported widget version is kept (read by `seglab/widgets`). */
export const WIDGET_FRONTEND = Symbol.for("seglab.widgets.frontend");

/** What the probe learnt. */
export interface WidgetFrontend {
  /** The front end's `jupyter-js-widgets` version ("2.1.4"), once it answered. */
  version?: string;
}

/** The range of ipywidgets 6's front end that protocol 1 speaks to. */
export const PROTOCOL_1_RANGE = "~2.1.4";

/** Registers the `jupyter.widget.version` comm target on `comms`. */
export function answerWidgetVersionProbe(comms: CommManager): void {
  const state: WidgetFrontend = {};
  (globalThis as Record<symbol, unknown>)[WIDGET_FRONTEND] = state;
  comms.registerTarget("jupyter.widget.version", (comm) => {
    comm.onMessage((data) => {
      const v = (data as { frontend_version?: unknown }).frontend_version;
      if (typeof v === "string") state.version = v;
    });
    comm.send({ version: PROTOCOL_1_RANGE });
  });
}
