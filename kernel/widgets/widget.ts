/**
 * The kernel side of one Jupyter widget model: its state, the `jupyter.widget` comm that carries
 * it (opened when the widget is built, inside the seglab kernel), the front end's changes applied
 * to it, and observers called on every change from either side. Outside the kernel (a script, a
 * test) a widget keeps its state locally and observers still fire.
 * @module
 */
import { DISPLAY, type MimeBundle } from "../../lib/core/mime.ts";
import { KERNEL_API, type KernelApi } from "../exec/api.ts";
import { widgetRegistry } from "../exec/widget_control.ts";
import type { Comm } from "../exec/comm.ts";
import {
  incomingState,
  type ModelLibrary,
  modules,
  PROTOCOL_2_VERSION,
  type ProtocolVersion,
  widgetProtocol,
} from "./protocol.ts";

/** One change of a widget attribute. */
export interface Change<T = unknown> {
  name: string;
  old: T;
  new: T;
  owner: Widget;
}

/** How a widget class describes its model. */
export interface ModelSpec {
  /** `FloatSlider` → `FloatSliderModel` / `FloatSliderView`. */
  name: string;
  library?: ModelLibrary;
  /** A view from another library (styles use `@jupyter-widgets/base`'s StyleView). */
  viewLibrary?: ModelLibrary;
  /** View name when it is not `${name}View` (null: no view, e.g. styles in protocol 2). */
  view?: string;
}

const MIME = "application/vnd.jupyter.widget-view+json";

/** A reference to a model in another model's state. */
export function modelRef(w: Widget): string {
  return `IPY_MODEL_${w.modelId}`;
}

/** The base of every widget (see the module doc). */
export class Widget {
  /** The model id (the comm id inside the kernel). */
  readonly modelId: string;
  /** The protocol this widget speaks (fixed when it was built). */
  readonly protocol: ProtocolVersion;
  readonly #state: Record<string, unknown>;
  readonly #comm: Comm | undefined;
  readonly #observers: { names: Set<string> | null; fn: (c: Change) => void }[] = [];
  readonly #customHandlers: ((content: Record<string, unknown>) => void)[] = [];

  /** Opens the model with `state` (kernel-side attribute names; see {@linkcode Widget.toWire}). */
  constructor(readonly spec: ModelSpec, state: Record<string, unknown>) {
    this.protocol = widgetProtocol();
    this.#state = { ...state };
    const api = (globalThis as Record<symbol, unknown>)[KERNEL_API] as KernelApi | undefined;
    const wire = {
      ...modules(this.protocol, spec.library ?? "controls", spec.viewLibrary ?? spec.library ?? "controls"),
      _model_name: `${spec.name}Model`,
      _view_name: spec.view === undefined ? `${spec.name}View` : spec.view,
      _view_count: null,
      ...this.toWire(Object.keys(state)),
    };
    if (api) {
      this.#comm = this.protocol === 2
        ? api.openComm("jupyter.widget", { state: wire, buffer_paths: [] }, {
          metadata: { version: PROTOCOL_2_VERSION },
        })
        : api.openComm("jupyter.widget", wire);
      this.modelId = this.#comm.id;
      this.#comm.onMessage((data) => this.#onMessage(data, wire));
      const id = this.modelId;
      widgetRegistry().set(id, () => ({
        model_name: String(wire._model_name),
        model_module: String(wire._model_module),
        model_module_version: String(wire._model_module_version),
        state: { ...wire, ...this.toWire(Object.keys(this.#state)) },
      }));
      this.#comm.onClose(() => void widgetRegistry().delete(id));
    } else {
      this.modelId = crypto.randomUUID().replaceAll("-", "");
    }
  }

  /** An attribute's current value. */
  protected get(name: string): unknown {
    return this.#state[name];
  }

  /** Sets attributes the front end already has (a subclass's kernel-side form of them). */
  protected initState(patch: Record<string, unknown>): void {
    Object.assign(this.#state, patch);
  }

  /** Sets attributes from the kernel side: observers fire, the front end gets the changes. */
  protected setState(patch: Record<string, unknown>): void {
    const changes = this.#apply(patch);
    if (changes.length) this.#send(changes.map((c) => c.name));
    for (const c of changes) this.#notify(c);
  }

  /** The wire form of attributes `names` (override to rename or convert, e.g. Dropdown's index). */
  protected toWire(names: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const n of names) {
      const v = this.#state[n];
      out[n] = v instanceof Widget
        ? modelRef(v)
        : Array.isArray(v)
        ? v.map((x) => (x instanceof Widget ? modelRef(x) : x))
        : v;
    }
    return out;
  }

  /** The kernel-side form of a front end's state change (override to convert back). */
  protected fromWire(patch: Record<string, unknown>): Record<string, unknown> {
    return patch;
  }

  #apply(patch: Record<string, unknown>): Change[] {
    const changes: Change[] = [];
    for (const [name, value] of Object.entries(patch)) {
      const old = this.#state[name];
      if (Object.is(old, value) || JSON.stringify(old) === JSON.stringify(value)) continue;
      this.#state[name] = value;
      changes.push({ name, old, new: value, owner: this });
    }
    return changes;
  }

  #notify(c: Change): void {
    for (const o of this.#observers) {
      if (o.names && !o.names.has(c.name)) continue;
      o.fn(c);
    }
  }

  #send(names: string[]): void {
    if (!this.#comm || this.#comm.closed) return;
    this.#comm.send({ method: "update", state: this.toWire(names), buffer_paths: [] });
  }

  #onMessage(data: Record<string, unknown>, opened: Record<string, unknown>): void {
    if (data.method === "request_state") {
      const full = { ...opened, ...this.toWire(Object.keys(this.#state)) };
      this.#comm?.send({ method: "update", state: full, buffer_paths: [] });
      return;
    }
    if (data.method === "custom") {
      const content = (data.content ?? {}) as Record<string, unknown>;
      for (const h of this.#customHandlers) h(content);
      return;
    }
    const incoming = incomingState(data);
    if (!incoming) return;
    const changes = this.#apply(this.fromWire(incoming));
    for (const c of changes) this.#notify(c);
  }

  /**
   * Calls `fn` on every change of the attributes `names` (all when omitted), from the kernel or the
   * front end. Returns a function that stops it.
   */
  observe(fn: (change: Change) => void, names?: string | string[]): () => void {
    const entry = { names: names === undefined ? null : new Set([names].flat()), fn };
    this.#observers.push(entry);
    return () => {
      const i = this.#observers.indexOf(entry);
      if (i >= 0) this.#observers.splice(i, 1);
    };
  }

  /** Calls `fn` on custom messages from the front end (a Button's clicks). */
  protected onCustom(fn: (content: Record<string, unknown>) => void): void {
    this.#customHandlers.push(fn);
  }

  /** Closes the model: the front end removes its views. */
  close(): void {
    widgetRegistry().delete(this.modelId);
    this.#comm?.close();
  }

  /** A one-line description (the text fallback of the view). */
  toString(): string {
    return `${this.spec.name}()`;
  }

  /** The view: `application/vnd.jupyter.widget-view+json` with a text fallback. */
  [DISPLAY](): MimeBundle {
    // ipywidgets 6's front end shows views when told so over the comm.
    if (this.protocol === 1 && this.#comm && !this.#comm.closed) this.#comm.send({ method: "display" });
    return {
      [MIME]: { model_id: this.modelId, version_major: 2, version_minor: 0 },
      "text/plain": this.toString(),
    };
  }
}

/** Widgets with a `value` that the front end edits. */
export class ValueWidget<T> extends Widget {
  /** The current value (follows the front end). */
  get value(): T {
    return this.get("value") as T;
  }
  set value(v: T) {
    this.setState({ value: v });
  }

  /** Calls `fn(value, old)` whenever the value changes. Returns a function that stops it. */
  onChange(fn: (value: T, old: T) => void): () => void {
    return this.observe((c) => fn(c.new as T, c.old as T), "value");
  }
}
