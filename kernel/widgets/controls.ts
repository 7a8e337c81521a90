/**
 * The controls of `seglab/widgets`, built with ipywidgets' option names:
 * `new FloatSlider({ value, min, max, step, description })`, `new Dropdown({ options, value })`,
 * `new HBox({ children })`. Each opens its model on the front end when built.
 *
 * @example
 * ```ts
 * import { Dropdown, FloatSlider, VBox } from "seglab/widgets";
 * const coef = new FloatSlider({ value: 0.2, min: 0, max: 1, step: 0.05, description: "coef" });
 * const type = new Dropdown({ options: ["LovaszSoftmaxLoss", "CrossEntropyLoss"], description: "type" });
 * coef.onChange((v) => console.log("coef", v));
 * new VBox({ children: [coef, type] })
 * ```
 * @module
 */
import { DISPLAY, type MimeBundle } from "../../lib/core/mime.ts";
import { toMimeBundle } from "../../lib/display/bundle.ts";
import { KERNEL_API, type KernelApi } from "../exec/api.ts";
import { type ModelLibrary, widgetProtocol } from "./protocol.ts";
import { ValueWidget, Widget } from "./widget.ts";

/** Options every control with a label takes. */
export interface DescriptionOptions {
  description?: string;
  disabled?: boolean;
  /** Hover text. */
  tooltip?: string;
}

/** A layout model (protocol 2; ipywidgets 6's front end needs none). */
export class Layout extends Widget {
  constructor(opts: Record<string, string | null> = {}) {
    super({ name: "Layout", library: "base" }, opts);
  }
}

/** A style model (protocol 2). */
class Style extends Widget {
  constructor(name: string, state: Record<string, unknown>) {
    super({ name, library: "controls", viewLibrary: "base", view: "StyleView" }, state);
  }
}

/** Layout and style references, as protocol 2 front ends expect on every DOM widget. */
function domParts(style: string | null, styleState: Record<string, unknown> = {}): Record<string, unknown> {
  if (widgetProtocol() === 1) return { _dom_classes: [] };
  const parts: Record<string, unknown> = { _dom_classes: [], layout: new Layout(), tabbable: null };
  if (style) parts.style = new Style(style, { description_width: "", ...styleState });
  return parts;
}

function described(o: DescriptionOptions): Record<string, unknown> {
  return {
    description: o.description ?? "",
    description_allow_html: false,
    disabled: o.disabled ?? false,
    tooltip: o.tooltip ?? null,
  };
}

function fmt(v: unknown): string {
  return typeof v === "string" ? JSON.stringify(v) : String(v);
}

/** Options of {@linkcode FloatSlider} and {@linkcode IntSlider}. */
export interface SliderOptions extends DescriptionOptions {
  value?: number;
  min?: number;
  max?: number;
  step?: number;
  /** Send values while dragging (default true). */
  continuous_update?: boolean;
  orientation?: "horizontal" | "vertical";
  readout?: boolean;
  readout_format?: string;
}

function checkRange(kind: string, o: SliderOptions, min: number, max: number, step: number): void {
  if (!(min <= max)) throw new RangeError(`${kind}: min ${min} is above max ${max}; give min <= max`);
  if (!(step > 0)) throw new RangeError(`${kind}: step must be positive, got ${step}`);
  if (o.value !== undefined && (o.value < min || o.value > max)) {
    throw new RangeError(`${kind}: value ${o.value} is outside [${min}, ${max}]; give a value in the range`);
  }
}

/** A slider of floats. */
export class FloatSlider extends ValueWidget<number> {
  constructor(o: SliderOptions = {}) {
    const min = o.min ?? 0, max = o.max ?? 10, step = o.step ?? 0.1;
    checkRange("FloatSlider", o, min, max, step);
    super({ name: "FloatSlider" }, sliderState(o, min, max, step, ".2f"));
  }
  override toString(): string {
    return `FloatSlider(value=${this.value}, description=${fmt(this.get("description"))})`;
  }
}

/** A slider of integers. */
export class IntSlider extends ValueWidget<number> {
  constructor(o: SliderOptions = {}) {
    const min = o.min ?? 0, max = o.max ?? 100, step = o.step ?? 1;
    checkRange("IntSlider", o, min, max, step);
    for (const [k, v] of Object.entries({ value: o.value, min, max, step })) {
      if (v !== undefined && !Number.isInteger(v)) {
        throw new RangeError(`IntSlider: ${k} must be an integer, got ${v}`);
      }
    }
    super({ name: "IntSlider" }, sliderState(o, min, max, step, "d"));
  }
  override toString(): string {
    return `IntSlider(value=${this.value}, description=${fmt(this.get("description"))})`;
  }
}

function sliderState(o: SliderOptions, min: number, max: number, step: number, format: string) {
  return {
    ...domParts("SliderStyle", { handle_color: null }),
    ...described(o),
    value: o.value ?? min,
    min,
    max,
    step,
    behavior: "drag-tap",
    continuous_update: o.continuous_update ?? true,
    orientation: o.orientation ?? "horizontal",
    readout: o.readout ?? true,
    readout_format: o.readout_format ?? format,
  };
}

/** Options of {@linkcode Dropdown}: `options` as labels, or `[label, value]` pairs. */
export interface DropdownOptions<T> extends DescriptionOptions {
  options: readonly (T | readonly [string, T])[];
  value?: T;
}

/** A drop-down list; `value` is the chosen option's value. */
export class Dropdown<T = string> extends ValueWidget<T> {
  // Plain fields (not #private): the base constructor calls toWire before they are set.
  private labels?: string[];
  private values?: T[];
  constructor(o: DropdownOptions<T>) {
    if (!o || !Array.isArray(o.options) || o.options.length === 0) {
      throw new TypeError("Dropdown: options must be a non-empty list of choices");
    }
    const pairs: [string, T][] = o.options.map((x) =>
      Array.isArray(x) && x.length === 2 && typeof x[0] === "string"
        ? [x[0] as string, x[1] as T]
        : [String(x), x as T]
    );
    const values = pairs.map((p) => p[1]);
    const labels = pairs.map((p) => p[0]);
    const value = o.value === undefined ? values[0] : o.value;
    const index = values.indexOf(value);
    if (index < 0) {
      throw new RangeError(`Dropdown: value ${fmt(value)} is not one of the options (${labels.join(", ")})`);
    }
    super({ name: "Dropdown" }, {
      ...domParts("DescriptionStyle"),
      ...described(o),
      _options_labels: labels,
      // The wire form until the fields exist: protocol 2 syncs the index, ipywidgets 6 the label.
      ...(widgetProtocol() === 1 ? { value: labels[index] } : { index }),
    });
    this.labels = labels;
    this.values = values;
    this.initState({ value });
  }
  /** The option labels. */
  get options(): readonly string[] {
    return this.labels ?? [];
  }
  /** The chosen label. */
  get label(): string {
    return this.options[(this.values ?? []).indexOf(this.value)] ?? "";
  }
  protected override toWire(names: string[]): Record<string, unknown> {
    if (!this.values || !this.labels) return super.toWire(names);
    const out = super.toWire(names.filter((n) => n !== "value" && n !== "index"));
    if (names.includes("value") || names.includes("index")) {
      const i = this.values.indexOf(this.get("value") as T);
      if (this.protocol === 1) out.value = this.labels[i];
      else out.index = i;
    }
    return out;
  }
  protected override fromWire(patch: Record<string, unknown>): Record<string, unknown> {
    const out = { ...patch };
    delete out.index;
    if (typeof patch.index === "number") out.value = this.values?.[patch.index];
    else if (typeof patch.value === "string" && this.protocol === 1) {
      out.value = this.values?.[(this.labels ?? []).indexOf(patch.value)];
    }
    return out;
  }
  override toString(): string {
    return `Dropdown(value=${fmt(this.value)}, options=[${this.options.join(", ")}])`;
  }
}

/** A check box. */
export class Checkbox extends ValueWidget<boolean> {
  constructor(o: DescriptionOptions & { value?: boolean; indent?: boolean } = {}) {
    super({ name: "Checkbox" }, {
      ...domParts("CheckboxStyle", { background: null }),
      ...described(o),
      value: o.value ?? false,
      indent: o.indent ?? true,
    });
  }
  override toString(): string {
    return `Checkbox(value=${this.value}, description=${fmt(this.get("description"))})`;
  }
}

/** A one-line text field. */
export class Text extends ValueWidget<string> {
  constructor(
    o: DescriptionOptions & { value?: string; placeholder?: string; continuous_update?: boolean } = {},
  ) {
    super({ name: "Text" }, {
      ...domParts("TextStyle", { background: null, font_size: null, text_color: null }),
      ...described(o),
      value: o.value ?? "",
      placeholder: o.placeholder ?? "\u200b",
      continuous_update: o.continuous_update ?? true,
    });
  }
  override toString(): string {
    return `Text(value=${fmt(this.value)})`;
  }
}

/** A read-only line of text. */
export class Label extends ValueWidget<string> {
  constructor(o: { value?: string } = {}) {
    super({ name: "Label" }, { ...domParts("LabelStyle"), ...described({}), value: o.value ?? "" });
  }
  override toString(): string {
    return `Label(${fmt(this.value)})`;
  }
}

/** A button; `onClick` handlers run when the front end's button is pressed. */
export class Button extends Widget {
  readonly #clicks: ((b: Button) => void | Promise<void>)[] = [];
  constructor(
    o: DescriptionOptions & {
      button_style?: "" | "primary" | "success" | "info" | "warning" | "danger";
      icon?: string;
    } = {},
  ) {
    super({ name: "Button" }, {
      ...domParts("ButtonStyle", { button_color: null, font_weight: "" }),
      ...described(o),
      button_style: o.button_style ?? "",
      icon: o.icon ?? "",
    });
    this.onCustom((content) => {
      if (content.event === "click") this.click();
    });
  }
  /** Calls `fn` on every click. */
  onClick(fn: (b: Button) => void | Promise<void>): void {
    this.#clicks.push(fn);
  }
  /** Clicks the button from code. */
  click(): void {
    for (const f of this.#clicks) void f(this);
  }
  override toString(): string {
    return `Button(description=${fmt(this.get("description"))})`;
  }
}

/** Options of {@linkcode HBox} and {@linkcode VBox}. */
export interface BoxOptions {
  children?: Widget[];
  box_style?: "" | "success" | "info" | "warning" | "danger";
}

class Box extends Widget {
  constructor(name: string, o: BoxOptions) {
    super({ name }, { ...domParts(null), children: o.children ?? [], box_style: o.box_style ?? "" });
  }
  /** The widgets inside. */
  get children(): readonly Widget[] {
    return this.get("children") as Widget[];
  }
  set children(c: readonly Widget[]) {
    this.setState({ children: [...c] });
  }
  override toString(): string {
    return `${this.spec.name}(${this.children.map(String).join(", ")})`;
  }
}

/** Widgets side by side. */
export class HBox extends Box {
  constructor(o: BoxOptions = {}) {
    super("HBox", o);
  }
}

/** Widgets one above the other. */
export class VBox extends Box {
  constructor(o: BoxOptions = {}) {
    super("VBox", o);
  }
}

/** One output in an {@linkcode Output} (nbformat's form). */
interface OutputItem {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/**
 * An area that shows outputs: `show(x)` replaces what it shows with `x` (a figure, a table, text).
 * Protocol 2 carries the outputs in the model's state; ipywidgets 6's front end captures the
 * display messages sent while the model's `msg_id` names the running request.
 */
export class Output extends Widget {
  constructor(o: { layout?: Layout } = {}) {
    const lib: ModelLibrary = "output";
    super({ name: "Output", library: lib }, {
      ...(widgetProtocol() === 1 ? {} : { layout: o.layout ?? new Layout() }),
      msg_id: "",
      outputs: [],
    });
  }
  /** Replaces the shown outputs with `x` (nothing for undefined). */
  async show(x: unknown): Promise<void> {
    const items: OutputItem[] = x === undefined
      ? []
      : [{ output_type: "display_data", data: await toMimeBundle(x), metadata: {} }];
    if (this.protocol === 2) {
      this.setState({ outputs: items });
      return;
    }
    const api = (globalThis as Record<symbol, unknown>)[KERNEL_API] as KernelApi | undefined;
    const parent = api?.parentMessageId();
    if (!api || !parent) return;
    this.setState({ msg_id: parent });
    try {
      api.clearOutput(false);
      const { display } = await import("../../lib/display/display.ts");
      for (const item of items) display({ [DISPLAY]: () => item.data });
    } finally {
      this.setState({ msg_id: "" });
    }
  }
  override toString(): string {
    return "Output()";
  }
  protected override toWire(names: string[]): Record<string, unknown> {
    const out = super.toWire(names);
    if (this.protocol === 1) delete out.outputs; // ipywidgets 6's model has no outputs
    return out;
  }
}
