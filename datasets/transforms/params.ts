/**
 * Parameter checking for transforms built from YAML: unknown names and wrong types are errors
 * that name the transform, the parameter, and what it accepts.
 * @module
 */

/** Error in a transform's YAML. */
export class TransformError extends Error {
  override name = "TransformError";
}

/** Reads parameters of transform `type`, rejecting names not in `defaults`. */
export class Params {
  readonly #type: string;
  readonly #raw: Record<string, unknown>;
  readonly used: Record<string, unknown> = {};
  constructor(type: string, raw: Record<string, unknown>, known: string[]) {
    this.#type = type;
    this.#raw = raw;
    for (const k of Object.keys(raw)) {
      if (k === "type") continue;
      if (!known.includes(k)) {
        throw new TransformError(
          `${type}: unknown parameter "${k}"; ${type} accepts ${
            known.length ? known.join(", ") : "no parameters"
          }`,
        );
      }
    }
  }
  #fail(name: string, want: string, v: unknown): never {
    throw new TransformError(`${this.#type}: parameter "${name}" must be ${want}, got ${JSON.stringify(v)}`);
  }
  number(name: string, dflt: number, check?: (v: number) => string | null): number {
    const v = this.#raw[name] ?? dflt;
    if (typeof v !== "number" || !Number.isFinite(v)) this.#fail(name, "a number", v);
    const msg = check?.(v as number);
    if (msg) this.#fail(name, msg, v);
    this.used[name] = v;
    return v as number;
  }
  bool(name: string, dflt: boolean): boolean {
    const v = this.#raw[name] ?? dflt;
    if (typeof v !== "boolean") this.#fail(name, "true or false", v);
    this.used[name] = v;
    return v as boolean;
  }
  string(name: string, dflt: string, choices: string[]): string {
    const v = this.#raw[name] ?? dflt;
    if (typeof v !== "string" || !choices.includes(v)) this.#fail(name, `one of ${choices.join(", ")}`, v);
    this.used[name] = v;
    return v as string;
  }
  /** An int or a `[w, h]` pair → `[w, h]`. */
  size(name: string, dflt: [number, number] | number): [number, number] {
    const v = this.#raw[name] ?? dflt;
    const ok = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n > 0;
    if (ok(v)) {
      this.used[name] = v;
      return [v as number, v as number];
    }
    if (Array.isArray(v) && v.length === 2 && v.every(ok)) {
      this.used[name] = v;
      return [v[0], v[1]];
    }
    this.fail(name, "a positive integer or [width, height]", v);
  }
  /** A list of numbers of length 1 or `n` → length n. */
  numbers(name: string, dflt: number[], n: number): number[] {
    const v = this.#raw[name] ?? dflt;
    const arr = typeof v === "number" ? [v] : v;
    if (
      !Array.isArray(arr) || !arr.every((x) => typeof x === "number" && Number.isFinite(x)) ||
      (arr.length !== 1 && arr.length !== n)
    ) {
      this.#fail(name, `a number or a list of 1 or ${n} numbers`, v);
    }
    this.used[name] = v;
    return arr.length === 1 ? Array(n).fill(arr[0]) : (arr as number[]).slice();
  }
  /** Throws a parameter error. */
  fail(name: string, want: string, v: unknown): never {
    this.#fail(name, want, v);
  }
}
