/**
 * Declarative parameter checking for loss constructors: each loss lists the parameters it
 * takes (PaddleSeg's names) with a default and a checker; `resolveParams` fills defaults and
 * refuses unknown names and wrong types with a message naming the parameter.
 * @module
 */
import { LossError } from "./errors.ts";

/** Checks and normalises one parameter value; throws a message (without the name) when bad. */
export type Check<T> = (value: unknown) => T;

/** One parameter: its default and its checker. */
export interface ParamDef<T = unknown> {
  default: T;
  check: Check<T>;
  /** One line for help texts. */
  doc: string;
}

/** A loss's parameters. */
export type ParamSchema = Record<string, ParamDef>;

function show(v: unknown): string {
  return typeof v === "string" ? `"${v}"` : JSON.stringify(v) ?? String(v);
}

/** A finite number, optionally bounded. */
export function num(opts: { min?: number; max?: number; integer?: boolean } = {}): Check<number> {
  return (v) => {
    if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`expected a number, got ${show(v)}`);
    if (opts.integer && !Number.isInteger(v)) throw new Error(`expected an integer, got ${v}`);
    if (opts.min !== undefined && v < opts.min) throw new Error(`must be ≥ ${opts.min}, got ${v}`);
    if (opts.max !== undefined && v > opts.max) throw new Error(`must be ≤ ${opts.max}, got ${v}`);
    return v;
  };
}

/** A boolean. */
export const bool: Check<boolean> = (v) => {
  if (typeof v !== "boolean") throw new Error(`expected true or false, got ${show(v)}`);
  return v;
};

/** One of the listed strings. */
export function oneOf<T extends string>(...values: T[]): Check<T> {
  return (v) => {
    if (typeof v !== "string" || !values.includes(v as T)) {
      throw new Error(`expected one of ${values.map((x) => `"${x}"`).join(", ")}, got ${show(v)}`);
    }
    return v as T;
  };
}

/** A list of finite numbers, or null. */
export const numberListOrNull: Check<number[] | null> = (v) => {
  if (v === null || v === undefined) return null;
  if (!Array.isArray(v)) throw new Error(`expected a list of numbers or null, got ${show(v)}`);
  return v.map((x, i) => {
    if (typeof x !== "number" || !Number.isFinite(x)) {
      throw new Error(`item ${i}: expected a number, got ${show(x)}`);
    }
    return x;
  });
};

/** Either check passes. */
export function either<A, B>(a: Check<A>, b: Check<B>, describe: string): Check<A | B> {
  return (v) => {
    try {
      return a(v);
    } catch {
      try {
        return b(v);
      } catch {
        throw new Error(`expected ${describe}, got ${show(v)}`);
      }
    }
  };
}

/** Null (or absent). */
export const isNull: Check<null> = (v) => {
  if (v !== null && v !== undefined) throw new Error(`expected null, got ${show(v)}`);
  return null;
};

/**
 * Fills defaults and checks each given parameter of `type` against `schema`.
 * `type` itself is skipped. Unknown names are refused with the list of accepted ones.
 */
export function resolveParams(
  type: string,
  given: Record<string, unknown>,
  schema: ParamSchema,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(given)) {
    if (key === "type") continue;
    if (!(key in schema)) {
      const known = Object.keys(schema);
      throw new LossError(
        `${type}: unknown parameter "${key}"; ${type} takes ${
          known.length ? known.join(", ") : "no parameters"
        }`,
      );
    }
  }
  for (const [key, def] of Object.entries(schema)) {
    if (!(key in given) || given[key] === undefined) {
      out[key] = def.default;
      continue;
    }
    try {
      out[key] = def.check(given[key]);
    } catch (e) {
      throw new LossError(`${type}.${key}: ${(e as Error).message}`);
    }
  }
  return out;
}
