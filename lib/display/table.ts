/**
 * arquero tables in notebooks: HTML and aligned plain text of the first rows, with the row
 * count. `toMimeBundle` uses it for any arquero table; `table(dt, { limit })` sets the row limit.
 *
 * @example
 * ```ts
 * import * as aq from "arquero";
 * import { table } from "seglab";
 * table(aq.table({ iter: [100, 200], mIoU: [0.61, 0.68] }), { limit: 20 });
 * ```
 * @module
 */
import { DISPLAY, type Displayable, type MimeBundle } from "../core/mime.ts";
import { escapeHtml } from "../core/escape.ts";

/** The parts of an arquero table the display needs. */
export interface TableLike {
  numRows(): number;
  numCols(): number;
  columnNames(): string[];
  objects(opts?: { limit?: number }): object[];
}

/** True for an arquero table (duck-typed). */
export function isTableLike(x: unknown): x is TableLike {
  const t = x as TableLike;
  return typeof x === "object" && x !== null && typeof t.numRows === "function" &&
    typeof t.columnNames === "function" && typeof t.objects === "function";
}

function cell(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (typeof v === "number") {
    if (Number.isInteger(v)) return String(v);
    const a = Math.abs(v);
    return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(3) : v.toFixed(4);
  }
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

/** The MIME bundle of a table, showing at most `limit` rows (default 20). */
export function tableBundle(t: TableLike, limit = 20): MimeBundle {
  const names = t.columnNames();
  const objs = t.objects({ limit }) as Record<string, unknown>[];
  const rows = objs.map((r) => names.map((n) => cell(r[n])));
  const numeric = names.map((n) =>
    objs.length > 0 && objs.every((r) => r[n] == null || typeof r[n] === "number")
  );
  const total = t.numRows();
  const more = total > rows.length ? `… ${total - rows.length} more rows` : "";
  const widths = names.map((n, j) => Math.max(n.length, ...rows.map((r) => r[j].length)));
  const fmt = (r: string[]) =>
    r.map((c, j) => (numeric[j] ? c.padStart(widths[j]) : c.padEnd(widths[j]))).join("  ").trimEnd();
  const text = [
    fmt(names),
    widths.map((w) => "─".repeat(w)).join("  "),
    ...rows.map(fmt),
    ...(more ? [more] : []),
    `(${total} rows × ${names.length} columns)`,
  ].join("\n");
  const th = names.map((n, j) =>
    `<th style="text-align:${numeric[j] ? "right" : "left"}">${escapeHtml(n)}</th>`
  ).join("");
  const trs = rows.map((r) =>
    `<tr>${
      r.map((c, j) => `<td style="text-align:${numeric[j] ? "right" : "left"}">${escapeHtml(c)}</td>`).join(
        "",
      )
    }</tr>`
  ).join("");
  const html = `<div><table><thead><tr>${th}</tr></thead><tbody>${trs}</tbody></table>` +
    `<small>${total} rows × ${names.length} columns${
      more ? ` (first ${rows.length} shown)` : ""
    }</small></div>`;
  return { "text/plain": text, "text/html": html };
}

/** A plain object (a row): `{ run: "CE", mIoU: 0.71 }`. */
export type Row = Record<string, unknown>;

function isRow(x: unknown): x is Row {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Rows of plain objects as a table: columns in order of first appearance across the rows. */
export function rowsTable(rows: readonly Row[]): TableLike {
  const names: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) if (!seen.has(k)) seen.add(k), names.push(k);
  }
  return {
    numRows: () => rows.length,
    numCols: () => names.length,
    columnNames: () => [...names],
    objects: (o?: { limit?: number }) => rows.slice(0, o?.limit ?? rows.length),
  };
}

function describe(x: unknown): string {
  if (Array.isArray(x)) {
    const bad = x.findIndex((r) => !isRow(r));
    return `an array whose item ${bad} is ${JSON.stringify(x[bad]) ?? String(x[bad])}`;
  }
  return x === null ? "null" : typeof x === "object" ? (x as object).constructor?.name ?? "object" : typeof x;
}

/**
 * A displayable view of a table showing at most `limit` rows: an arquero table, or an array of
 * plain objects (`[{ run: "CE", mIoU: 0.71 }, …]`).
 */
export function table(
  t: TableLike | readonly Row[],
  opts: { limit?: number } = {},
): Displayable & { table: TableLike } {
  let tl: TableLike;
  if (isTableLike(t)) tl = t;
  else if (Array.isArray(t) && t.every(isRow)) tl = rowsTable(t);
  else {
    throw new TypeError(
      `table: expected an arquero table or an array of plain objects (rows), got ${describe(t)}; ` +
        `e.g. table([{ run: "CE", mIoU: 0.71 }])`,
    );
  }
  return { table: tl, [DISPLAY]: () => tableBundle(tl, opts.limit) };
}
