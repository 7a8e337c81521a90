/**
 * The terminal sink: text to stdout, progress as a bar on stderr. On a TTY the bar redraws in
 * place; in a log (CI) it prints a line at start, every 10% (at most every 2 s, at least every
 * 30 s) and at the end, so logs stay short but alive.
 * @module
 */
import process from "node:process";
import type { DisplayOptions, OutputSink } from "./output_sink.ts";
import type { MimeBundle } from "../core/mime.ts";
import type { ProgressState } from "./progress_state.ts";
import { progressLine } from "./progress_format.ts";

interface LineState {
  lastPrint: number;
  lastFrac: number;
}

const lines = new Map<string, LineState>();

function isTTY(): boolean {
  try {
    return Boolean(process.stderr.isTTY);
  } catch {
    return false;
  }
}

function printBundle(b: MimeBundle): void {
  const text = typeof b["text/plain"] === "string" ? b["text/plain"] : `[${Object.keys(b).join(", ")}]`;
  console.log(text);
}

/** Decides whether a non-TTY log gets a new progress line now. */
export function shouldLogProgress(s: ProgressState, prev: LineState | undefined): boolean {
  if (!prev || s.status !== "running") return true;
  const frac = s.total ? s.value / s.total : 0;
  const sinceMs = s.now - prev.lastPrint;
  return (frac - prev.lastFrac >= 0.1 && sinceMs >= 2000) || sinceMs >= 30000;
}

/** The terminal fallback sink. */
export const terminalSink: OutputSink = {
  name: "terminal",
  display(bundle: MimeBundle | Promise<MimeBundle>, _opts: DisplayOptions): void {
    if (bundle instanceof Promise) {
      bundle.then(printBundle, (e) => console.error(`display failed: ${e instanceof Error ? e.message : e}`));
    } else {
      printBundle(bundle);
    }
  },
  progress(s: ProgressState): void {
    const line = progressLine(s);
    const finished = s.status !== "running";
    if (isTTY()) {
      const cols = process.stderr.columns || 120;
      process.stderr.write(`\r${line.slice(0, cols - 1)}\x1b[K${finished ? "\n" : ""}`);
      return;
    }
    const prev = lines.get(s.id);
    if (shouldLogProgress(s, prev)) {
      process.stderr.write(line + "\n");
      lines.set(s.id, { lastPrint: s.now, lastFrac: s.total ? s.value / s.total : 0 });
    }
    if (finished) lines.delete(s.id);
  },
};
