/**
 * Parameter grids: `-g name=v1,v2,…` axes (values split on top-level commas, each read as YAML
 * as `-p` reads it), YAML grid files, their Cartesian product, and a file name for each point.
 *
 * @example
 * ```ts
 * import { expandGrid, parseGridArg, pointName } from "seglab/runner";
 * const axes = [parseGridArg("loss=ce,hinge"), parseGridArg("coef=[1,0.02],[1,0.05]")];
 * for (const p of expandGrid(axes)) console.log(pointName(p)); // loss=ce,coef=1_0.02 …
 * ```
 * @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import YAML from "yaml";
import { readFailure } from "../../lib/core/files.ts";
import { ParameterError, parseParameterArg } from "../parameters.ts";
import type { ParamValue } from "../translators.ts";

/** One axis of a grid: a parameter and the values it takes. */
export interface GridAxis {
  name: string;
  values: ParamValue[];
}

/** A grid given wrongly (the message names the flag, file or value). */
export class GridError extends Error {
  override name = "GridError";
}

/**
 * Splits `text` on commas outside brackets, braces, parentheses and quotes.
 * @throws {GridError} on unbalanced brackets or an unclosed quote.
 */
export function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  const stack: string[] = [];
  let quote = "";
  let start = 0;
  const close: Record<string, string> = { "[": "]", "{": "}", "(": ")" };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === "\\" && quote === '"') i++;
      else if (ch === quote) quote = "";
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if (ch in close) stack.push(close[ch]);
    else if (ch === "]" || ch === "}" || ch === ")") {
      if (stack.pop() !== ch) {
        throw new GridError(`unbalanced "${ch}" at character ${i + 1} of ${JSON.stringify(text)}`);
      }
    } else if (ch === "," && stack.length === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  if (quote) throw new GridError(`unclosed ${quote} in ${JSON.stringify(text)}`);
  if (stack.length) throw new GridError(`"${stack[stack.length - 1]}" missing in ${JSON.stringify(text)}`);
  parts.push(text.slice(start));
  return parts;
}

/**
 * Parses one `-g name=v1,v2,…` axis.
 * @throws {GridError} without `=`, with an empty value, or a value YAML cannot read.
 */
export function parseGridArg(arg: string): GridAxis {
  const eq = arg.indexOf("=");
  if (eq <= 0) {
    throw new GridError(
      `-g ${JSON.stringify(arg)}: expected name=v1,v2,… (e.g. -g seed=1,2,3 or -g 'coef=[1,0.02],[1,0.05]')`,
    );
  }
  const name = arg.slice(0, eq).trim();
  const parts = splitTopLevel(arg.slice(eq + 1)).map((s) => s.trim());
  const values = parts.map((p, i) => {
    if (p === "") throw new GridError(`-g ${name}: value ${i + 1} is empty in ${JSON.stringify(arg)}`);
    try {
      return parseParameterArg(`${name}=${p}`)[1];
    } catch (e) {
      throw new GridError(`-g ${name}: ${(e as ParameterError).message}`);
    }
  });
  return { name, values };
}

/**
 * Reads a YAML (or JSON) grid file: a mapping of parameter names to lists of values (a single
 * value is a one-value axis). Names keep the file's order.
 * @throws {GridError} when it cannot be read or is not such a mapping.
 */
export async function readGridFile(path: string): Promise<GridAxis[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new GridError(`cannot read the grid file ${path}: ${readFailure(e)}`);
  }
  let v: unknown;
  try {
    v = YAML.parse(text);
  } catch (e) {
    throw new GridError(`the grid file ${path} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) {
    throw new GridError(
      `the grid file ${path} must be a mapping of parameter names to lists of values (e.g. "seed: [1, 2, 3]")`,
    );
  }
  return Object.entries(v as Record<string, unknown>).map(([name, values]) => {
    const list = Array.isArray(values) ? values : [values];
    if (list.length === 0) throw new GridError(`the grid file ${path}: "${name}" has no values`);
    return { name, values: JSON.parse(JSON.stringify(list)) as ParamValue[] };
  });
}

/**
 * Checks the axes (distinct names, no duplicate values on an axis) and returns them.
 * @throws {GridError} naming the repeated name or value.
 */
export function checkAxes(axes: GridAxis[]): GridAxis[] {
  const seen = new Set<string>();
  for (const a of axes) {
    if (seen.has(a.name)) {
      throw new GridError(`the grid names "${a.name}" twice; give all its values in one -g`);
    }
    seen.add(a.name);
    const vals = a.values.map((x) => JSON.stringify(x));
    const dup = vals.find((x, i) => vals.indexOf(x) !== i);
    if (dup) throw new GridError(`the grid gives ${a.name}=${dup} twice`);
  }
  return axes;
}

/** The Cartesian product of the axes, the first axis varying slowest. */
export function expandGrid(axes: GridAxis[]): Record<string, ParamValue>[] {
  let points: Record<string, ParamValue>[] = [{}];
  for (const a of axes) points = points.flatMap((p) => a.values.map((v) => ({ ...p, [a.name]: v })));
  return axes.length ? points : [];
}

function compact(v: ParamValue): string {
  if (typeof v === "string") return v;
  if (Array.isArray(v)) return v.map(compact).join("_");
  if (v && typeof v === "object") return Object.entries(v).map(([k, x]) => `${k}-${compact(x)}`).join("_");
  return String(v);
}

/**
 * A file name (without extension) for a point: `name=value` pairs joined by commas, characters
 * other than letters, digits, `.`, `_`, `+`, `-` replaced by `_`; lists joined by `_`.
 * Long names are cut and end in a hash of the parameters.
 */
export function pointName(params: Record<string, ParamValue>): string {
  const raw = Object.entries(params).map(([k, v]) => `${k}=${compact(v)}`).join(",");
  let safe = raw.replace(/[^A-Za-z0-9._+=,-]/g, "_");
  if (safe.length > 120) safe = `${safe.slice(0, 110)}-${paramsHash(params)}`;
  return safe || "defaults";
}

/** A short stable hash of a point's parameters. */
export function paramsHash(params: Record<string, ParamValue>): string {
  return createHash("sha256").update(JSON.stringify(params)).digest("hex").slice(0, 8);
}

/** Names for all points, unique (a clash after cleaning gets the parameters' hash appended). */
export function pointNames(points: Record<string, ParamValue>[]): string[] {
  const names = points.map(pointName);
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  return names.map((n, i) => (count.get(n)! > 1 ? `${n}-${paramsHash(points[i])}` : n));
}
