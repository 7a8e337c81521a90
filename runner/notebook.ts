/**
 * Jupyter notebooks (nbformat 4) as the runner reads and writes them: parsing with errors that
 * say what is wrong (not JSON, where; not nbformat 4, which version), normalising to nbformat
 * 4.5 (every cell gets a unique `id`), and serialising the way Jupyter's own writer does
 * (multi-line strings as lists of lines, keys sorted, one-space indent), so that executed
 * notebooks diff cleanly against ones saved by JupyterLab.
 *
 * @example
 * ```ts
 * import { cellSource, parseNotebook, serializeNotebook } from "./notebook.ts";
 * const nb = parseNotebook(await Deno.readTextFile("notebooks/loss_playground.ipynb"), "loss_playground.ipynb");
 * console.log(nb.cells.filter((c) => c.cell_type === "code").map(cellSource)[0]);
 * await Deno.writeTextFile("copy.ipynb", serializeNotebook(nb));
 * ```
 * @module
 */
import { readFile } from "node:fs/promises";
import { readFailure } from "../lib/core/files.ts";

/** A multi-line string: one string, or a list of lines as Jupyter writes it. */
export type MultilineString = string | string[];

/** A MIME bundle: MIME type → data (text as a string or list of lines, JSON types as JSON). */
export type MimeBundle = Record<string, unknown>;

/** A stream output (stdout / stderr). */
export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}

/** A rich display output. */
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}

/** A cell's result. */
export interface ExecuteResultOutput {
  output_type: "execute_result";
  data: MimeBundle;
  metadata: Record<string, unknown>;
  execution_count: number | null;
}

/** An error raised by a cell. */
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}

/** Any code-cell output. */
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** Cell metadata; `tags` is the one field the runner reads. */
export interface CellMetadata {
  tags?: string[];
  [key: string]: unknown;
}

/** A code cell. */
export interface CodeCell {
  cell_type: "code";
  id: string;
  source: MultilineString;
  metadata: CellMetadata;
  outputs: Output[];
  execution_count: number | null;
}

/** A markdown cell. */
export interface MarkdownCell {
  cell_type: "markdown";
  id: string;
  source: MultilineString;
  metadata: CellMetadata;
  attachments?: Record<string, MimeBundle>;
}

/** A raw cell. */
export interface RawCell {
  cell_type: "raw";
  id: string;
  source: MultilineString;
  metadata: CellMetadata;
  attachments?: Record<string, MimeBundle>;
}

/** Any cell. */
export type Cell = CodeCell | MarkdownCell | RawCell;

/** The notebook's kernelspec metadata. */
export interface KernelSpecMetadata {
  name: string;
  display_name?: string;
  language?: string;
  [key: string]: unknown;
}

/** A notebook (nbformat 4). */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: {
    kernelspec?: KernelSpecMetadata;
    language_info?: { name: string; [key: string]: unknown };
    [key: string]: unknown;
  };
  cells: Cell[];
}

/** A notebook that cannot be read or is not a usable nbformat 4 notebook. */
export class NotebookError extends Error {
  override name = "NotebookError";
}

/** The nbformat minor version the runner writes (4.5: cell ids). */
export const NBFORMAT_MINOR = 5;

/** A cell's source as one string. */
export function cellSource(cell: Pick<Cell, "source">): string {
  return joinMultiline(cell.source);
}

/** A multi-line string as one string. */
export function joinMultiline(s: MultilineString | undefined): string {
  if (s === undefined) return "";
  return Array.isArray(s) ? s.join("") : s;
}

/** The cell's tags (empty when none). */
export function cellTags(cell: Pick<Cell, "metadata">): string[] {
  const t = cell.metadata?.tags;
  return Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : [];
}

/** A fresh cell id (8 hex digits, as nbformat's `random_cell_id`). */
export function newCellId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 8);
}

const CELL_ID = /^[a-zA-Z0-9-_]{1,64}$/;

/**
 * The offset of the first JSON syntax error in `text` (a small recursive-descent scan; V8's
 * messages do not always say where), or -1 when the scan finds none.
 */
export function jsonErrorOffset(text: string): number {
  let i = 0;
  const ws = () => {
    while (i < text.length && " \t\n\r".includes(text[i])) i++;
  };
  const fail = (): never => {
    throw i;
  };
  const lit = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const str = () => {
    if (text[i] !== '"') fail();
    i++;
    while (i < text.length && text[i] !== '"') {
      const ch = text.charCodeAt(i);
      if (ch < 0x20) fail();
      if (text[i] === "\\") {
        i++;
        if (text[i] === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) fail();
          i += 4;
        } else if (!'"\\/bfnrt'.includes(text[i] ?? "")) fail();
      }
      i++;
    }
    if (i >= text.length) fail();
    i++;
  };
  const num = () => {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (!m || !m[0]) fail();
    i += m![0].length;
  };
  const value = (): void => {
    ws();
    const c = text[i];
    if (c === "{") {
      i++;
      ws();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        ws();
        str();
        ws();
        if (text[i] !== ":") fail();
        i++;
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    } else if (c === "[") {
      i++;
      ws();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        ws();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') str();
    else if (c === "t") lit("true");
    else if (c === "f") lit("false");
    else if (c === "n") lit("null");
    else num();
  };
  try {
    value();
    ws();
    return i < text.length ? i : -1;
  } catch (pos) {
    return Math.min(pos as number, text.length);
  }
}

function describeJsonError(text: string, e: Error): string {
  const pos = jsonErrorOffset(text);
  const what = e.message.replace(/,? ".*" is not valid JSON$/s, "").replace(
    / (in JSON )?at position \d+.*$/s,
    "",
  );
  if (pos < 0) return what;
  const before = text.slice(0, pos);
  const line = before.split("\n").length;
  const col = pos - before.lastIndexOf("\n");
  const near = text.slice(pos, pos + 20).split("\n")[0] || text.slice(pos, pos + 20);
  return `${what} at line ${line}, column ${col}${
    pos >= text.length ? " (the text ends too early)" : ` (near ${JSON.stringify(near)})`
  }`;
}

/**
 * Parses notebook JSON and checks that it is nbformat 4. `source` names the notebook in errors.
 * Cells without a valid unique `id` get one, and `nbformat_minor` is raised to 5 (the ids make it
 * 4.5); nothing else is changed.
 * @throws {NotebookError} when the text is not JSON, not a notebook, or not nbformat 4.
 */
export function parseNotebook(text: string, source = "notebook"): Notebook {
  let raw: unknown;
  try {
    raw = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    throw new NotebookError(`${source} is not JSON: ${describeJsonError(text, e as Error)}`);
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new NotebookError(
      `${source} is JSON but not a notebook: expected an object with "nbformat" and "cells"`,
    );
  }
  const o = raw as Record<string, unknown>;
  if (!("nbformat" in o)) {
    throw new NotebookError(`${source} is JSON but not a Jupyter notebook: it has no "nbformat" field`);
  }
  if (o.nbformat !== 4) {
    const v = typeof o.nbformat === "number"
      ? `nbformat ${o.nbformat}`
      : `nbformat ${JSON.stringify(o.nbformat)}`;
    const hint = typeof o.nbformat === "number" && o.nbformat < 4
      ? `; convert it with \`jupyter nbconvert --to notebook --nbformat 4 ${source}\` or open and save it in JupyterLab`
      : "";
    throw new NotebookError(`${source} is ${v}, not nbformat 4; only nbformat 4 notebooks can be run${hint}`);
  }
  if (!Array.isArray(o.cells)) {
    throw new NotebookError(
      `${source}: "cells" is ${o.cells === undefined ? "missing" : "not a list"}; not an nbformat 4 notebook`,
    );
  }
  const metadata = o.metadata ?? {};
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw new NotebookError(`${source}: "metadata" must be an object`);
  }
  const seen = new Set<string>();
  const cells: Cell[] = o.cells.map((c, i) => {
    if (typeof c !== "object" || c === null || Array.isArray(c)) {
      throw new NotebookError(`${source}: cell ${i + 1} is not an object`);
    }
    const cell = { ...(c as Record<string, unknown>) };
    const type = cell.cell_type;
    if (type !== "code" && type !== "markdown" && type !== "raw") {
      throw new NotebookError(
        `${source}: cell ${i + 1} has cell_type ${
          JSON.stringify(type)
        }; expected "code", "markdown" or "raw"`,
      );
    }
    const src = cell.source ?? "";
    if (typeof src !== "string" && !(Array.isArray(src) && src.every((s) => typeof s === "string"))) {
      throw new NotebookError(`${source}: cell ${i + 1}'s "source" must be a string or a list of strings`);
    }
    cell.source = src;
    const md = cell.metadata ?? {};
    cell.metadata = typeof md === "object" && md !== null && !Array.isArray(md) ? md : {};
    let id = typeof cell.id === "string" && CELL_ID.test(cell.id) ? cell.id : "";
    while (!id || seen.has(id)) id = newCellId();
    seen.add(id);
    cell.id = id;
    if (type === "code") {
      if (!Array.isArray(cell.outputs)) cell.outputs = [];
      if (typeof cell.execution_count !== "number") cell.execution_count = null;
    } else {
      delete cell.outputs;
      delete cell.execution_count;
    }
    return cell as unknown as Cell;
  });
  const minor = typeof o.nbformat_minor === "number" ? o.nbformat_minor : 0;
  return {
    ...(o as object),
    nbformat: 4,
    nbformat_minor: Math.max(minor, NBFORMAT_MINOR),
    metadata: metadata as Notebook["metadata"],
    cells,
  } as Notebook;
}

/**
 * Reads and parses a notebook file.
 * @throws {NotebookError} when the file cannot be read or is not an nbformat 4 notebook.
 */
export async function readNotebook(path: string): Promise<Notebook> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const why = readFailure(e);
    throw new NotebookError(`cannot read ${path}: ${why}`);
  }
  return parseNotebook(text, path);
}

/** Splits text into lines that keep their "\n", as nbformat's `split_lines` does. */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      lines.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

function isJsonMime(mime: string): boolean {
  return mime === "application/json" || /\+json$/.test(mime);
}

function splitBundle(data: MimeBundle): MimeBundle {
  const out: MimeBundle = {};
  for (const [k, v] of Object.entries(data)) {
    out[k] = !isJsonMime(k) && typeof v === "string" ? splitLines(v) : v;
  }
  return out;
}

function forWriting(nb: Notebook): unknown {
  return {
    ...nb,
    cells: nb.cells.map((cell) => {
      const c: Record<string, unknown> = { ...cell, source: splitLines(cellSource(cell)) };
      if (cell.cell_type === "code") {
        c.outputs = cell.outputs.map((o) => {
          if (o.output_type === "stream") return { ...o, text: splitLines(joinMultiline(o.text)) };
          if (o.output_type === "display_data" || o.output_type === "execute_result") {
            return { ...o, data: splitBundle(o.data) };
          }
          return o;
        });
      }
      return c;
    }),
  };
}

function sortedStringify(value: unknown, indent: string, depth: number): string {
  if (value === null || typeof value !== "object") {
    if (typeof value === "number" && !Number.isFinite(value)) return "null";
    return JSON.stringify(value) ?? "null";
  }
  const pad = indent.repeat(depth + 1), close = indent.repeat(depth);
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    return `[\n${value.map((v) => pad + sortedStringify(v, indent, depth + 1)).join(",\n")}\n${close}]`;
  }
  const keys = Object.keys(value).filter((k) => (value as Record<string, unknown>)[k] !== undefined).sort();
  if (keys.length === 0) return "{}";
  return `{\n${
    keys.map((k) =>
      `${pad}${JSON.stringify(k)}: ${
        sortedStringify((value as Record<string, unknown>)[k], indent, depth + 1)
      }`
    )
      .join(",\n")
  }\n${close}}`;
}

/** The notebook as Jupyter writes it: sorted keys, one-space indent, lines as lists, final newline. */
export function serializeNotebook(nb: Notebook): string {
  return sortedStringify(forWriting(nb), " ", 0) + "\n";
}
