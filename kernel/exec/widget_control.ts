/**
 * ipywidgets 8's control comm: a front end reloading a page (JupyterLab 4, Notebook 7) opens a
 * comm on `jupyter.widget.control` and asks `{ method: "request_states" }` for every live model at
 * once; the kernel answers `{ method: "update_states", states, buffer_paths }`. Registered at
 * start-up; `seglab/widgets` adds its models to the registry kept here.
 * @module
 */
import type { CommManager } from "./comm.ts";

/** One live model as the control comm reports it. */
export interface ModelSnapshot {
  model_name: string;
  model_module: string;
  model_module_version: string;
  state: Record<string, unknown>;
}

/** Where live widget models are listed (model id → its current snapshot). */
export const WIDGET_REGISTRY = Symbol.for("seglab.widgets.registry");

/** The registry of live models (created on first use). */
export function widgetRegistry(): Map<string, () => ModelSnapshot> {
  const g = globalThis as Record<symbol, unknown>;
  return (g[WIDGET_REGISTRY] ??= new Map()) as Map<string, () => ModelSnapshot>;
}

/** Registers the `jupyter.widget.control` comm target on `comms`. */
export function answerWidgetControl(comms: CommManager): void {
  comms.registerTarget("jupyter.widget.control", (comm) => {
    comm.onMessage((data) => {
      if ((data as { method?: unknown }).method !== "request_states") return;
      const states: Record<string, ModelSnapshot> = {};
      for (const [id, snap] of widgetRegistry()) states[id] = snap();
      comm.send({ method: "update_states", states, buffer_paths: {} });
    });
  });
}
