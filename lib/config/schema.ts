/**
 * Checking config sections against a schema: each field has a checker, an optional default and
 * a line of documentation; errors name the key path and what was expected, e.g.
 * `optimizer.momentum: expected a number, got "0.9x"`, and unknown keys list the known ones
 * (with the closest as a suggestion).
 *
 * @example
 * ```ts
 * import { number, readSection } from "./schema.ts";
 * const opt = readSection({ type: "SGD", momentum: 0.9 }, "optimizer", {
 *   type: { check: (v) => String(v) },
 *   momentum: { check: number({ min: 0 }), default: 0 },
 * });
 * ```
 * @module
 */
import { ConfigError } from "./config_error.ts";

/** Checks and normalises a value found at `path`; throws a {@linkcode ConfigError} naming it. */
export type Check<T> = (value: unknown, path: string) => T;

/** One field of a section. */
export interface Field<T = unknown> {
  check: Check<T>;
  /** Used when the key is absent (or null). Without it the field is required unless `optional`. */
  default?: T;
  optional?: boolean;
  doc?: string;
}

/** `"0.9x"` for strings, JSON for the rest. */
export function show(v: unknown): string {
  if (typeof v === "string") return `"${v}"`;
  if (v === undefined) return "nothing";
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function fail(path: string, msg: string): never {
  throw new ConfigError(`${path}: ${msg}`);
}

/** A finite number, optionally bounded. */
export function number(
  opts: { min?: number; max?: number; gt?: number; integer?: boolean } = {},
): Check<number> {
  return (v, path) => {
    if (typeof v !== "number" || !Number.isFinite(v)) {
      fail(path, `expected ${opts.integer ? "an integer" : "a number"}, got ${show(v)}`);
    }
    if (opts.integer && !Number.isInteger(v)) fail(path, `expected an integer, got ${v}`);
    if (opts.min !== undefined && v < opts.min) fail(path, `must be ≥ ${opts.min}, got ${v}`);
    if (opts.gt !== undefined && v <= opts.gt) fail(path, `must be > ${opts.gt}, got ${v}`);
    if (opts.max !== undefined && v > opts.max) fail(path, `must be ≤ ${opts.max}, got ${v}`);
    return v;
  };
}

/** An integer, optionally bounded. */
export function integer(opts: { min?: number; max?: number } = {}): Check<number> {
  return number({ ...opts, integer: true });
}

/** true or false. */
export const boolean: Check<boolean> = (
  v,
  path,
) => (typeof v === "boolean" ? v : fail(path, `expected true or false, got ${show(v)}`));

/** A non-empty string. */
export const string: Check<string> = (v, path) =>
  typeof v === "string" && v.length > 0 ? v : fail(path, `expected a string, got ${show(v)}`);

/** One of the listed strings. */
export function oneOf<T extends string>(...values: T[]): Check<T> {
  return (v, path) =>
    typeof v === "string" && (values as string[]).includes(v)
      ? (v as T)
      : fail(path, `expected one of ${values.map((x) => `"${x}"`).join(", ")}, got ${show(v)}`);
}

/** A list whose items pass `item` (checked as `path[i]`). */
export function listOf<T>(item: Check<T>, opts: { length?: number; minLength?: number } = {}): Check<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) fail(path, `expected a list, got ${show(v)}`);
    if (opts.length !== undefined && v.length !== opts.length) {
      fail(path, `expected ${opts.length} items, got ${v.length}`);
    }
    if (opts.minLength !== undefined && v.length < opts.minLength) {
      fail(path, `expected at least ${opts.minLength} items, got ${v.length}`);
    }
    return v.map((x, i) => item(x, `${path}[${i}]`));
  };
}

/** A mapping (plain object). */
export const mapping: Check<Record<string, unknown>> = (v, path) =>
  typeof v === "object" && v !== null && !Array.isArray(v)
    ? v as Record<string, unknown>
    : fail(path, `expected a mapping of keys, got ${show(v)}`);

/** Either `a` or `b`; the message says `describe`. */
export function either<A, B>(a: Check<A>, b: Check<B>, describe: string): Check<A | B> {
  return (v, path) => {
    try {
      return a(v, path);
    } catch {
      try {
        return b(v, path);
      } catch {
        return fail(path, `expected ${describe}, got ${show(v)}`);
      }
    }
  };
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length][b.length];
}

/** ` (did you mean "x"?)` when a known name is close to `name`, else "". */
export function suggest(name: string, known: readonly string[]): string {
  let best = "", bestD = Infinity;
  for (const k of known) {
    const dist = distance(name.toLowerCase(), k.toLowerCase());
    if (dist < bestD) [best, bestD] = [k, dist];
  }
  return best && bestD <= Math.max(2, Math.floor(name.length / 4)) ? ` (did you mean "${best}"?)` : "";
}

/**
 * `obj.type`, checked against the names seglab has: anything else is a {@linkcode ConfigError} at
 * `${path}.type` naming the nearest known name and the full list (`what` is the kind: "model",
 * "optimizer", …).
 */
export function readType<T extends string>(
  obj: Record<string, unknown>,
  path: string,
  known: readonly T[],
  what: string,
): T {
  const type = obj.type;
  if (typeof type === "string" && (known as readonly string[]).includes(type)) return type as T;
  fail(
    `${path}.type`,
    `unknown ${what} ${show(type)}${typeof type === "string" ? suggest(type, known) : ""}; ` +
      `seglab has ${known.join(", ")}`,
  );
}

/**
 * Reads a mapping with `fields`: checks every present key, fills defaults, refuses unknown keys
 * (unless listed in `ignore`) and missing required ones. `what` names the section in messages
 * ("OCRNet takes …").
 */
export function readSection<T>(
  value: unknown,
  path: string,
  fields: Record<string, Field>,
  opts: { what?: string; ignore?: readonly string[] } = {},
): T {
  const obj = mapping(value ?? {}, path);
  const known = Object.keys(fields);
  for (const k of Object.keys(obj)) {
    if (!(k in fields) && !(opts.ignore ?? []).includes(k)) {
      fail(`${path}.${k}`, `unknown key${suggest(k, known)}; ${opts.what ?? path} takes ${known.join(", ")}`);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [k, f] of Object.entries(fields)) {
    const v = obj[k];
    if (v === undefined || v === null) {
      if ("default" in f) out[k] = f.default;
      else if (!f.optional) fail(`${path}.${k}`, `is required${f.doc ? ` (${f.doc})` : ""}`);
      continue;
    }
    out[k] = f.check(v, `${path}.${k}`);
  }
  return out as T;
}
