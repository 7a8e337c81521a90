/**
 * Which Jupyter widgets protocol the front end speaks, and the model modules of each:
 * - protocol 2 (ipywidgets 8: JupyterLab 3/4, Notebook 7, VS Code): `@jupyter-widgets/controls`
 *   2.0.0 models, state under `state` in comm_open, updates as `{ method: "update", state }`;
 * - protocol 1 (ipywidgets 6's `jupyter-js-widgets` 2.x, Debian's Notebook 6 nbextension): chosen
 *   when the front end's `jupyter.widget.version` probe reported a 2.x version; models from
 *   `jupyter-js-widgets`, state as comm_open data, updates from the front end as
 *   `{ method: "backbone", sync_data }`, views shown by a `{ method: "display" }` message.
 * @module
 */
import { WIDGET_FRONTEND, type WidgetFrontend } from "../exec/widget_version.ts";

/** A protocol generation. */
export type ProtocolVersion = 1 | 2;

/** Protocol 2's version, sent in comm_open metadata. */
export const PROTOCOL_2_VERSION = "2.1.0";

/** The protocol to speak now: 1 after a 2.x front end answered the version probe, else 2. */
export function widgetProtocol(): ProtocolVersion {
  const f = (globalThis as Record<symbol, unknown>)[WIDGET_FRONTEND] as WidgetFrontend | undefined;
  return f?.version?.startsWith("2.") ? 1 : 2;
}

/** Where a model and its view come from. */
export interface ModelModules {
  _model_module: string;
  _model_module_version: string;
  _view_module: string;
  _view_module_version: string;
}

/** The library a model belongs to in protocol 2. */
export type ModelLibrary = "controls" | "base" | "output";

const P2: Record<ModelLibrary, [string, string]> = {
  controls: ["@jupyter-widgets/controls", "2.0.0"],
  base: ["@jupyter-widgets/base", "2.0.0"],
  output: ["@jupyter-widgets/output", "1.0.0"],
};

/** Model and view modules for a model of `library` (protocol 2) under `protocol`. */
export function modules(
  protocol: ProtocolVersion,
  library: ModelLibrary,
  viewLibrary = library,
): ModelModules {
  if (protocol === 1) {
    return {
      _model_module: "jupyter-js-widgets",
      _model_module_version: "~2.1.4",
      _view_module: "jupyter-js-widgets",
      _view_module_version: "~2.1.4",
    };
  }
  return {
    _model_module: P2[library][0],
    _model_module_version: P2[library][1],
    _view_module: P2[viewLibrary][0],
    _view_module_version: P2[viewLibrary][1],
  };
}

/** The state change a front end's comm message carries (either protocol), or undefined. */
export function incomingState(data: Record<string, unknown>): Record<string, unknown> | undefined {
  if (data.method === "update" && data.state && typeof data.state === "object") {
    return data.state as Record<string, unknown>;
  }
  if (data.method === "backbone" && data.sync_data && typeof data.sync_data === "object") {
    return data.sync_data as Record<string, unknown>;
  }
  return undefined;
}
