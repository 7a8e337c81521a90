/**
 * The live log of a run on the terminal (stderr): one line when each cell starts and ends, the
 * cells' printed output and results as they arrive (prefixed `│`), rich outputs as a one-line
 * note, progress displays at most every few seconds, errors with their traceback. Readable in
 * CI logs: no cursor movement, carriage-return progress collapsed to its last state, colours only
 * on a terminal without `NO_COLOR`.
 *
 * @example
 * ```ts
 * import { runNotebook, terminalLog } from "seglab/runner";
 * await runNotebook("notebooks/loss_playground.ipynb", { log: terminalLog({ outputs: false }) });
 * ```
 * @module
 */
import process from "node:process";
import { stripAnsi } from "../kernel/exec/output.ts";
import type { RunEvent, RunLog } from "./events.ts";
import { cellSource, joinMultiline } from "./notebook.ts";

/** Options of {@linkcode terminalLog}. */
export interface TerminalLogOptions {
  /** Where lines go (default: stderr). */
  write?: (text: string) => void;
  /** Show cell outputs (default true); false shows only cell progress. */
  outputs?: boolean;
  /** Show what the kernel process itself prints (default: only on stderr, not stdout). */
  kernelOutput?: boolean;
  /** Colours (default: stderr is a TTY and NO_COLOR is unset). */
  color?: boolean;
  /** Seconds between two lines of one updating display (default 5). */
  updateEverySeconds?: number;
  /** Most lines shown of one text output (default 40). */
  maxLines?: number;
}

function fmtSeconds(s: number): string {
  return s < 10
    ? `${s.toFixed(2)} s`
    : s < 120
    ? `${s.toFixed(1)} s`
    : `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

function fmtBytes(n: number): string {
  return n < 1024
    ? `${n} B`
    : n < 1024 * 1024
    ? `${(n / 1024).toFixed(1)} KB`
    : `${(n / 1024 / 1024).toFixed(1)} MB`;
}

type Paint = (code: string, s: string) => string;

/** At most `max` lines of `text`, with a note of how many were left out. */
function limitLines(text: string, max: number): string {
  const lines = text.replace(/\n$/, "").split("\n");
  return lines.length > max
    ? [...lines.slice(0, max), `… (${lines.length - max} more lines)`].join("\n")
    : lines.join("\n");
}

/** A MIME bundle as terminal text: its `text/plain`, and the other types by size. */
function bundleSummary(data: Record<string, unknown>, c: Paint, limit: (text: string) => string): string {
  const scrap = data["application/scrapbook.scrap.json+json"] as
    | { name?: string; data?: unknown }
    | undefined;
  if (scrap && data["text/plain"] === undefined) {
    return c("2", `record ${scrap.name} = ${JSON.stringify(scrap.data)}`);
  }
  const plain = data["text/plain"] !== undefined
    ? stripAnsi(joinMultiline(data["text/plain"] as string))
    : "";
  const rich = Object.keys(data).filter((k) => k !== "text/plain").map((k) => {
    const v = data[k];
    const size = typeof v === "string"
      ? v.length
      : Array.isArray(v)
      ? v.join("").length
      : JSON.stringify(v).length;
    return `${k} ${fmtBytes(size)}`;
  });
  if (rich.length === 0) return plain;
  const note = c("2", `[${rich.join(", ")}]`);
  return plain ? `${limit(plain)}\n${note}` : note;
}

/** The line that ends a cell: ✓, ⏱ or ✗ with its time or reason. */
function cellEndLine(e: Extract<RunEvent, { type: "cell-end" }>, c: Paint): string {
  const n = e.executionCount ? ` In [${e.executionCount}]` : "";
  if (e.status === "completed") return c("32", `  ✓ cell ${e.index + 1}${n} ${fmtSeconds(e.seconds)}`);
  if (e.status === "timed_out") return c("31", `  ⏱ cell ${e.index + 1}${n} ${e.note ?? "timed out"}`);
  const why = e.note ?? (e.error ? `${e.error.ename}: ${stripAnsi(e.error.evalue).split("\n")[0]}` : "error");
  return c("31", `  ✗ cell ${e.index + 1}${n} failed after ${fmtSeconds(e.seconds)}: ${why}`);
}

/** The run's last line. */
function endLine(e: Extract<RunEvent, { type: "end" }>, c: Paint): string {
  const msg = e.exitCode === 0 ? c("32", `seglab nb: done in ${fmtSeconds(e.seconds)}`) : c(
    "31",
    `seglab nb: ${e.status.replace("_", " ")} (exit ${e.exitCode})${
      e.message ? `: ${stripAnsi(e.message).split("\n")[0]}` : ""
    }`,
  );
  return `${msg}; wrote ${e.output}`;
}

/** A {@linkcode RunLog} that writes to the terminal. */
export function terminalLog(opts: TerminalLogOptions = {}): RunLog {
  const write = opts.write ?? ((t: string) => process.stderr.write(t));
  const color = opts.color ?? (process.stderr.isTTY === true && !process.env.NO_COLOR);
  const c = (code: string, s: string) => (color ? `\x1b[${code}m${s}\x1b[0m` : s);
  const showOutputs = opts.outputs ?? true;
  const maxLines = opts.maxLines ?? 40;
  const every = (opts.updateEverySeconds ?? 5) * 1000;
  const partial = new Map<string, string>(); // cell:stream → unfinished line
  const lastUpdate = new Map<string, { at: number; text: string }>();
  let kernelLine = "";

  const line = (s: string) => write(s + "\n");
  const out = (idx: number, late: boolean, text: string) => {
    const prefix = late ? c("2", `  │ (late, cell ${idx + 1}) `) : c("2", "  │ ");
    for (const l of text.split("\n")) line(prefix + l);
  };
  const limit = (text: string) => limitLines(text, maxLines);
  const flush = (idx: number) => {
    for (const [k, v] of partial) {
      if (k.startsWith(`${idx}:`) && v) out(idx, false, v);
      partial.delete(k);
    }
  };
  const bundleText = (data: Record<string, unknown>) => bundleSummary(data, c, limit);

  return (e: RunEvent) => {
    switch (e.type) {
      case "start":
        line(
          c("1", `seglab nb: ${e.input}`) +
            ` → ${e.output}  (kernel ${e.kernel}, ${e.cells} code cells, cwd ${e.cwd})`,
        );
        break;
      case "warning":
        line(c("33", `warning: ${e.message}`));
        break;
      case "parameters":
        line(
          `parameters: ${
            Object.entries(e.values).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(" ")
          } (injected as cell ${e.injectedAfter + 1})`,
        );
        break;
      case "kernel-ready":
        line(c("2", `kernel ${e.name} (${e.implementation || "?"}) ready in ${fmtSeconds(e.seconds)}`));
        break;
      case "kernel-output": {
        if (e.stream === "stdout" && !opts.kernelOutput) break;
        const text = kernelLine + e.text;
        const lines = text.split("\n");
        kernelLine = lines.pop() ?? "";
        for (const l of lines) if (l.trim()) line(c("2", `[kernel] ${stripAnsi(l)}`));
        break;
      }
      case "cell-start": {
        const first = cellSource(e.cell).split("\n").find((l) => l.trim()) ?? "";
        const head = first.length > 72 ? first.slice(0, 71) + "…" : first;
        const w = String(e.total).length;
        line(
          c("36", `[${String(e.ordinal).padStart(w)}/${e.total}] cell ${e.index + 1}`) +
            c("2", `  ${head.trim()}`),
        );
        break;
      }
      case "output": {
        if (!showOutputs) break;
        const t = e.msgType;
        if (t === "stream") {
          const key = `${e.index}:${e.content.name}`;
          const text = (partial.get(key) ?? "") + String(e.content.text ?? "");
          const lines = text.split("\n");
          partial.set(key, lines.pop() ?? "");
          for (const l of lines) {
            const shown = stripAnsi(l.includes("\r") ? l.split("\r").filter(Boolean).pop() ?? "" : l);
            out(e.index, e.late, shown);
          }
        } else if (t === "display_data" || t === "execute_result") {
          const text = bundleText((e.content.data ?? {}) as Record<string, unknown>);
          if (text) out(e.index, e.late, text);
          const id = (e.content.transient as { display_id?: string } | undefined)?.display_id;
          if (id) lastUpdate.set(id, { at: Date.now(), text });
        } else if (t === "update_display_data") {
          const id = (e.content.transient as { display_id?: string } | undefined)?.display_id ?? "";
          const text = bundleText((e.content.data ?? {}) as Record<string, unknown>);
          const last = lastUpdate.get(id);
          if (text && (!last || (Date.now() - last.at >= every && last.text !== text))) {
            out(e.index, e.late, text.split("\n")[0]);
            lastUpdate.set(id, { at: Date.now(), text });
          }
        } else if (t === "error") {
          const tb = Array.isArray(e.content.traceback)
            ? (e.content.traceback as string[]).map(stripAnsi).join("\n")
            : "";
          const head = `${e.content.ename}: ${e.content.evalue}`;
          out(
            e.index,
            e.late,
            c(
              "31",
              limit(tb && tb.includes(String(e.content.evalue)) ? tb : `${head}${tb ? "\n" + tb : ""}`),
            ),
          );
        }
        break;
      }
      case "cell-end":
        flush(e.index);
        line(cellEndLine(e, c));
        break;
      case "saved":
        break;
      case "end":
        line(endLine(e, c));
        break;
    }
  };
}
