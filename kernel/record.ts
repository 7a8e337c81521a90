/**
 * `record(name, value)`: keeps a result in the executed notebook, where the runner
 * (`readRecords`, `gatherSweep`) and Python's scrapbook (`sb.read_notebook(p).scraps`) find it.
 *
 * The output follows papermill/scrapbook's convention: a `display_data` whose bundle holds only
 * `application/scrapbook.scrap.json+json` = `{ name, data, encoder: "json", version: 1 }`, with
 * `metadata.scrapbook = { name, data: true, display: false }` — what `scrapbook.glue(name, value)`
 * writes. Frontends show nothing for it (no text fallback, as scrapbook). Later records of a name
 * replace earlier ones when read back.
 *
 * Values must be JSON: numbers, strings, booleans, null, arrays and plain objects. NaN and ±Infinity
 * become null (as `JSON.stringify` writes them); functions, symbols, bigints, class instances
 * (tensors, tables) and cycles are refused with an error naming where they are.
 *
 * @example
 * ```ts
 * import { record } from "seglab/kernel";
 * record("miou", 0.9459);
 * record("per_class", { background: 0.994, road: 0.898 });
 * ```
 * @module
 */
import { KERNEL_API, type KernelApi } from "./exec/api.ts";

/** The MIME type of a recorded value (scrapbook's JSON scrap). */
export const SCRAP_MIME = "application/scrapbook.scrap.json+json";
/** papermill's older `pm.record()` MIME type (read back too). */
export const PAPERMILL_RECORD_MIME = "application/papermill.record+json";

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A value `record` cannot store. */
export class RecordError extends Error {
  override name = "RecordError";
}

/** `value` as plain JSON (non-finite numbers → null); throws RecordError naming the offending part. */
export function toJsonValue(value: unknown, where = "value", seen: Set<object> = new Set()): JsonValue {
  if (value === null) return null;
  switch (typeof value) {
    case "number":
      return Number.isFinite(value) ? value : null;
    case "string":
    case "boolean":
      return value;
    case "undefined":
      throw new RecordError(`${where} is undefined; record null, or leave the field out`);
    case "bigint":
      throw new RecordError(`${where} is a bigint (${value}n); record Number(x) or String(x)`);
    case "function":
    case "symbol":
      throw new RecordError(`${where} is a ${typeof value}, which JSON cannot hold`);
  }
  const obj = value as object;
  if (seen.has(obj)) throw new RecordError(`${where} refers back to itself (a cycle)`);
  seen.add(obj);
  try {
    if (Array.isArray(obj)) return obj.map((x, i) => toJsonValue(x, `${where}[${i}]`, seen));
    if (ArrayBuffer.isView(obj) && !(obj instanceof DataView)) {
      return Array.from(obj as unknown as ArrayLike<number>, (x) => Number.isFinite(x) ? Number(x) : null);
    }
    const proto = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) {
      const kind = (obj as { constructor?: { name?: string } }).constructor?.name ?? "object";
      throw new RecordError(
        `${where} is a ${kind}, not a plain object; record plain data (e.g. await t.array() for a tensor, ` +
          `t.objects() for a table)`,
      );
    }
    const out: { [key: string]: JsonValue } = {};
    for (const [k, x] of Object.entries(obj)) {
      if (x === undefined) continue;
      out[k] = toJsonValue(
        x,
        /^[A-Za-z_$][\w$]*$/.test(k) ? `${where}.${k}` : `${where}[${JSON.stringify(k)}]`,
        seen,
      );
    }
    return out;
  } finally {
    seen.delete(obj);
  }
}

/** The `display_data` content (`data`, `metadata`) that records `value` under `name`. */
export function scrapOutput(
  name: string,
  value: unknown,
): { data: Record<string, unknown>; metadata: Record<string, unknown> } {
  if (typeof name !== "string" || name.trim() === "") {
    throw new RecordError(
      `record(name, value): the name must be a non-empty string (got ${JSON.stringify(name)})`,
    );
  }
  let data: JsonValue;
  try {
    data = toJsonValue(value);
  } catch (e) {
    if (e instanceof RecordError) throw new RecordError(`record(${JSON.stringify(name)}): ${e.message}`);
    throw e;
  }
  return {
    data: { [SCRAP_MIME]: { name, data, encoder: "json", version: 1 } },
    metadata: { scrapbook: { name, data: true, display: false } },
  };
}

interface DenoJupyter {
  broadcast(msgType: string, content: Record<string, unknown>): Promise<void> | void;
}

/**
 * Records `value` under `name` in the running cell's outputs (see the module documentation).
 * In the seglab kernel and in Deno's kernel (`deno jupyter`) it is a `display_data` output;
 * outside a kernel it prints `record: name = <json>` on stdout. Returns the stored JSON value.
 * @throws {RecordError} for an empty name or a value JSON cannot hold.
 */
export function record(name: string, value: unknown): JsonValue {
  const out = scrapOutput(name, value);
  const stored = (out.data[SCRAP_MIME] as { data: JsonValue }).data;
  const k = (globalThis as Record<symbol, unknown>)[KERNEL_API] as KernelApi | undefined;
  if (k?.displayData) {
    k.displayData(out.data, out.metadata);
    return stored;
  }
  const jupyter = denoJupyter();
  if (jupyter) {
    Promise.resolve(jupyter.broadcast("display_data", { ...out, transient: {} })).catch(() => {});
    return stored;
  }
  console.log(`record: ${name} = ${JSON.stringify(stored)}`);
  return stored;
}

/** Deno's kernel API, or undefined outside `deno jupyter` (where reading `Deno.jupyter` throws). */
function denoJupyter(): DenoJupyter | undefined {
  try {
    const j = (globalThis as { Deno?: { jupyter?: DenoJupyter } }).Deno?.jupyter;
    return j && typeof j.broadcast === "function" ? j : undefined;
  } catch {
    return undefined;
  }
}
