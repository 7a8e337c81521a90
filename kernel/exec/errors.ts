/**
 * Errors as Jupyter `error` content: `ename`, `evalue`, and a traceback whose frames point at
 * cell lines and columns (`In[3]:2:9`) instead of the rewritten module, with the failing line of
 * the cell shown under a caret. The kernel's own frames and the runtime's internals are dropped.
 * @module
 */
import type { PositionMap } from "./edits.ts";
import { lineStarts } from "./edits.ts";

/** The `error` content of a Jupyter message. */
export interface ErrorContent {
  ename: string;
  evalue: string;
  traceback: string[];
}

/** What the formatter knows about a cell module URL. */
export interface CellSource {
  label: string;
  code: string;
  map: PositionMap;
}

/** Finds the cell a module URL belongs to (undefined for other modules). */
export type CellLookup = (url: string) => CellSource | undefined;

const KERNEL_DIR = new URL("..", import.meta.url).href;
const LOCATION = /((?:file|data|blob|https?|ext|node|npm):[^\s()]*?|\.\/[^\s()]*?):(\d+):(\d+)/g;

function inspect(v: unknown): string {
  try {
    return Deno.inspect(v, { colors: false, depth: 3 });
  } catch {
    return String(v);
  }
}

/** Rewrites every `url:line:col` of a cell in `text` to `In[n]:line:col`. */
export function mapLocations(
  text: string,
  lookup: CellLookup,
  cwd?: string,
): { text: string; first?: { cell: CellSource; line: number; column: number } } {
  let first: { cell: CellSource; line: number; column: number } | undefined;
  const out = text.replace(LOCATION, (all, url: string, l: string, c: string) => {
    const cell = lookup(url.replace(/\?.*$/, ""));
    if (cell) {
      const pos = cell.map.toOriginalLineCol(Number(l), Number(c));
      first ??= { cell, ...pos };
      return `${cell.label}:${pos.line}:${pos.column}`;
    }
    if (cwd && url.startsWith("file://")) {
      const path = decodeURIComponent(new URL(url).pathname);
      const rel = path.startsWith(cwd + "/") ? path.slice(cwd.length + 1) : path;
      return `${rel}:${l}:${c}`;
    }
    return all;
  });
  return { text: out, first };
}

/** The cell's line under a caret, as IPython shows it. */
export function codeFrame(cell: CellSource, line: number, column: number): string[] {
  const starts = lineStarts(cell.code);
  const lines = cell.code.split("\n");
  const from = Math.max(1, line - 2), to = Math.min(lines.length, line);
  const width = String(to).length;
  const out = [`${cell.label}, line ${line}, column ${column}:`];
  for (let i = from; i <= to; i++) {
    const mark = i === line ? ">" : " ";
    out.push(`${mark} ${String(i).padStart(width)} | ${lines[i - 1] ?? ""}`);
  }
  if (starts.length >= line) out.push(`  ${" ".repeat(width)} | ${" ".repeat(Math.max(0, column - 1))}^`);
  return out;
}

function isInternalFrame(line: string): boolean {
  return line.includes(KERNEL_DIR + "exec/") || line.includes(KERNEL_DIR + "kernel.ts") ||
    /\(ext:|at ext:/.test(line) || /\bat (async )?(new )?Promise\b/.test(line) && !line.includes("(") ||
    line.includes("(<anonymous>)") || /^\s*at async Promise\.all/.test(line);
}

/** Formats a thrown value (see the module doc). */
export function formatError(err: unknown, lookup: CellLookup, cwd?: string, depth = 0): ErrorContent {
  if (
    !(err instanceof Error) &&
    !(typeof err === "object" && err !== null && "stack" in err && "message" in err)
  ) {
    const evalue = typeof err === "string" ? err : inspect(err);
    return {
      ename: "Uncaught",
      evalue,
      traceback: [`Uncaught ${typeof err === "string" ? JSON.stringify(err) : evalue}`],
    };
  }
  const e = err as Error;
  const ename = e.name || e.constructor?.name || "Error";
  const evalue = mapLocations(String(e.message ?? ""), lookup, cwd).text;
  const stack = typeof e.stack === "string" ? e.stack : `${ename}: ${e.message}`;
  const lines = stack.split("\n");
  const head: string[] = [], frames: string[] = [];
  let inFrames = false;
  for (const l of lines) {
    if (/^\s+at /.test(l)) inFrames = true;
    if (inFrames) {
      if (/^\s+at /.test(l) && isInternalFrame(l)) continue;
      frames.push(l);
    } else head.push(l);
  }
  const mappedHead = mapLocations(head.join("\n"), lookup, cwd);
  const mappedFrames = mapLocations(frames.join("\n"), lookup, cwd);
  const where = mappedFrames.first ?? mappedHead.first;
  const tb: string[] = [mappedHead.text];
  if (mappedFrames.text) tb.push(mappedFrames.text);
  if (where) tb.push("", ...codeFrame(where.cell, where.line, where.column));
  const cause = (e as { cause?: unknown }).cause;
  if (cause !== undefined && depth < 3) {
    const c = formatError(cause, lookup, cwd, depth + 1);
    tb.push("", "Caused by:", ...c.traceback);
  }
  return { ename, evalue, traceback: tb.join("\n").split("\n") };
}
