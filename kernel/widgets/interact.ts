/**
 * `interact(fn, spec)`: controls for `fn`'s arguments, and `fn`'s result shown below them, redrawn
 * whenever a control changes — ipywidgets' abbreviations: `[min, max, step]` or `[min, max]` → a
 * slider (integers → IntSlider), a list of other values → a Dropdown, a boolean → a Checkbox, a
 * string → a Text, a widget → itself.
 *
 * @example
 * ```ts
 * import { createLoss } from "seglab";
 * import { interact } from "seglab/widgets";
 * await interact(({ coef, type }) => createLoss({ type: "MixedLoss", losses: [{ type: "CrossEntropyLoss" }, { type }], coef: [1, coef] }), {
 *   coef: [0, 1, 0.05],
 *   type: ["LovaszSoftmaxLoss", "CrossEntropyLoss"],
 * });
 * ```
 * @module
 */
import { display } from "../../lib/display/display.ts";
import { Checkbox, Dropdown, FloatSlider, IntSlider, Output, Text, VBox } from "./controls.ts";
import { ValueWidget, type Widget } from "./widget.ts";

/** One argument's abbreviation (see the module doc). */
export type Abbreviation =
  | readonly [number, number]
  | readonly [number, number, number]
  | readonly (string | number | boolean)[]
  | boolean
  | string
  | ValueWidget<unknown>;

/** The argument values `fn` gets: numbers for sliders, the chosen option, booleans, strings. */
export type Values<S> = {
  [K in keyof S]: S[K] extends readonly [number, number] | readonly [number, number, number] ? number
    : S[K] extends readonly (infer E)[] ? E
    : S[K] extends boolean ? boolean
    : S[K] extends string ? string
    : S[K] extends ValueWidget<infer V> ? V
    : never;
};

function isRange(a: unknown): a is readonly number[] {
  return Array.isArray(a) && (a.length === 2 || a.length === 3) && a.every((x) => typeof x === "number");
}

/** The control for one abbreviation. */
export function controlFor(name: string, a: Abbreviation): ValueWidget<unknown> {
  if (a instanceof ValueWidget) return a;
  if (isRange(a)) {
    const [min, max, step] = a;
    const ints = a.every(Number.isInteger);
    const value = ints
      ? Math.round((min + max) / 2)
      : min + Math.round((max - min) / 2 / (step ?? (max - min) / 100)) * (step ?? (max - min) / 100);
    return ints ? new IntSlider({ min, max, step: step ?? 1, value, description: name }) : new FloatSlider({
      min,
      max,
      step: step ?? (max - min) / 100,
      value: Math.min(max, value),
      description: name,
    });
  }
  if (Array.isArray(a)) return new Dropdown({ options: a, description: name }) as ValueWidget<unknown>;
  if (typeof a === "boolean") return new Checkbox({ value: a, description: name }) as ValueWidget<unknown>;
  if (typeof a === "string") return new Text({ value: a, description: name }) as ValueWidget<unknown>;
  throw new TypeError(
    `interact: cannot make a control for "${name}" from ${
      JSON.stringify(a)
    }; give [min, max, step], a list of choices, a boolean, a string or a widget`,
  );
}

/** The controls, the output and the last result of an {@linkcode interactive}. */
export class Interactive<S extends Record<string, Abbreviation>> extends VBox {
  readonly controls: { [K in keyof S]: ValueWidget<Values<S>[K]> };
  readonly output: Output;
  /** What `fn` returned last (awaited). */
  result: unknown;
  /** The last error `fn` threw, if the latest run failed. */
  error: unknown;
  #running: Promise<void> = Promise.resolve();
  #pending = false;

  constructor(readonly fn: (values: Values<S>) => unknown, spec: S) {
    const controls = Object.fromEntries(Object.entries(spec).map(([k, a]) => [k, controlFor(k, a)]));
    const output = new Output();
    super({ children: [...Object.values(controls) as Widget[], output] });
    this.controls = controls as Interactive<S>["controls"];
    this.output = output;
    for (const c of Object.values(controls)) c.observe(() => void this.update(), "value");
  }

  /** The controls' current values. */
  get values(): Values<S> {
    return Object.fromEntries(
      Object.entries(this.controls).map(([k, c]) => [k, (c as ValueWidget<unknown>).value]),
    ) as Values<S>;
  }

  /** Runs `fn` with the current values and shows its result (runs once more if values change meanwhile). */
  update(): Promise<void> {
    if (this.#pending) return this.#running;
    this.#pending = true;
    this.#running = this.#running.then(async () => {
      this.#pending = false;
      try {
        this.result = await this.fn(this.values);
        this.error = undefined;
        await this.output.show(this.result);
      } catch (e) {
        this.error = e;
        await this.output.show(`${(e as Error).name ?? "Error"}: ${(e as Error).message ?? e}`);
      }
    });
    return this.#running;
  }
}

/** Builds the controls and output for `fn` (not shown: display it, or make it a cell's result). */
export async function interactive<S extends Record<string, Abbreviation>>(
  fn: (values: Values<S>) => unknown,
  spec: S,
): Promise<Interactive<S>> {
  const w = new Interactive(fn, spec);
  await w.update();
  return w;
}

/**
 * Shows controls for `fn`'s arguments and its result below them, redrawn on every change.
 * Returns nothing, so a cell ending in `interact(…)` shows them once; use
 * {@linkcode interactive} to keep the controls and their values.
 */
export async function interact<S extends Record<string, Abbreviation>>(
  fn: (values: Values<S>) => unknown,
  spec: S,
): Promise<void> {
  const w = new Interactive(fn, spec);
  display(w);
  await w.update();
}
