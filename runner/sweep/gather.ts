/**
 * `gatherSweep(dir)`: a sweep's points as one arquero table — a column per grid parameter, then
 * a column per recorded value — read from its manifest and the points' result files (so a sweep
 * still running on Slurm gathers what has finished).
 *
 * Parameter values that are lists or mappings become their JSON text (`[1,0.02]`); a record that
 * is a mapping of numbers, strings or booleans becomes one column per key (`per_class.road`);
 * other lists and mappings stay JSON text. With `rows: "runs"`, a record holding a list of
 * objects gives one table row per object (the point's parameters repeated), for notebooks that
 * record several runs at once.
 *
 * @example
 * ```ts
 * import { gatherSweep } from "seglab/runner";
 * const t = await gatherSweep("out/sweep/");
 * t.print(); // loss, seed, miou, road_iou, …
 * ```
 * @module
 */
import * as path from "node:path";
import * as aq from "arquero";
import type { JsonValue } from "../../kernel/record.ts";
import type { ParamValue } from "../translators.ts";
import { mergeResults, readManifest, SweepError, type SweepPoint } from "./manifest.ts";

/** Options of {@linkcode gatherSweep}. */
export interface GatherOptions {
  /** Also the points that failed or have not run (default: completed points only). */
  all?: boolean;
  /** A record holding a list of objects: one row per object. */
  rows?: string;
  /** Add `point`, `status` and `duration` columns (default true). */
  meta?: boolean;
}

const PARAMETERS = new WeakMap<object, string[]>();

/** The grid parameters' columns of a table made by {@linkcode gatherSweep} (undefined for other tables). */
export function parameterColumns(table: object): string[] | undefined {
  return PARAMETERS.get(table);
}

type Cell = number | string | boolean | null;

function cell(v: ParamValue | JsonValue | undefined): Cell {
  if (v === undefined || v === null) return null;
  if (typeof v === "object") return JSON.stringify(v);
  return v;
}

function flatRecords(records: Record<string, JsonValue>, skip?: string): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  for (const [k, v] of Object.entries(records)) {
    if (k === skip) continue;
    if (
      v && typeof v === "object" && !Array.isArray(v) &&
      Object.values(v).every((x) => x === null || typeof x !== "object")
    ) {
      for (const [kk, x] of Object.entries(v)) out[`${k}.${kk}`] = cell(x);
    } else {
      out[k] = cell(v);
    }
  }
  return out;
}

/** The rows of a sweep's points, as plain objects (what {@linkcode gatherSweep} makes a table of). */
export function sweepRows(
  points: SweepPoint[],
  paramNames: string[],
  opts: GatherOptions = {},
): Record<string, Cell>[] {
  const rows: Record<string, Cell>[] = [];
  for (const p of points) {
    if (!opts.all && p.status !== "completed") continue;
    const base: Record<string, Cell> = {};
    for (const n of paramNames) base[n] = cell(p.parameters[n]);
    const meta: Record<string, Cell> = opts.meta === false
      ? {}
      : { point: p.name, status: p.status, duration: p.duration ?? null };
    const records = p.records ?? {};
    const list = opts.rows ? records[opts.rows] : undefined;
    if (opts.rows && Array.isArray(list)) {
      const rest = flatRecords(records, opts.rows);
      for (const item of list) {
        const fields = item && typeof item === "object" && !Array.isArray(item)
          ? flatRecords(item as Record<string, JsonValue>)
          : { [opts.rows]: cell(item) };
        rows.push({ ...base, ...rest, ...fields, ...meta });
      }
    } else {
      rows.push({ ...base, ...flatRecords(records), ...meta });
    }
  }
  // Every row gets every column (arquero takes the first row's columns).
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  return rows.map((r) => Object.fromEntries(cols.map((c) => [c, r[c] ?? null])));
}

/**
 * Gathers the sweep in `dir` into an arquero table (see the module documentation).
 * @throws {SweepError} when `dir` holds no sweep.
 */
export function gatherSweep(dir: string, opts: GatherOptions = {}): aq.ColumnTable {
  const m = readManifest(dir);
  if (!m) {
    throw new SweepError(
      `${path.resolve(dir)} holds no sweep (no sweep.json); run nb sweep … --out ${dir} first`,
    );
  }
  mergeResults(dir, m);
  const names = [
    ...new Set([...m.grid.map((a) => a.name), ...m.points.flatMap((p) => Object.keys(p.parameters))]),
  ];
  const rows = sweepRows(m.points, names, opts);
  const t = rows.length ? aq.from(rows) : aq.table(Object.fromEntries(names.map((n) => [n, []])));
  PARAMETERS.set(t, names);
  return t;
}
