/** Renders a progress state as one line of text and as HTML. */
import type { ProgressState } from "./progress_state.ts";
import type { MimeBundle } from "../core/mime.ts";
import { escapeHtml } from "../core/escape.ts";

function clock(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const mm = String(m).padStart(2, "0"), ss = String(r).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function fmtInfo(v: number | string): string {
  if (typeof v === "string") return v;
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : v.toFixed(4);
}

/** `label  45% |█████░░░░░| 45/100 [00:12<00:15, 3.70 it/s] loss=0.3210` */
export function progressLine(s: ProgressState, width = 24): string {
  const elapsed = (s.now - s.startedAt) / 1000;
  const rate = elapsed > 0 ? s.value / elapsed : 0;
  const parts: string[] = [s.label];
  if (s.total && s.total > 0) {
    const frac = Math.min(1, Math.max(0, s.value / s.total));
    const filled = Math.round(frac * width);
    parts.push(`${String(Math.floor(frac * 100)).padStart(3)}%`);
    parts.push(`|${"█".repeat(filled)}${"░".repeat(width - filled)}|`);
    parts.push(`${s.value}/${s.total}`);
    const eta = rate > 0 ? (s.total - s.value) / rate : NaN;
    parts.push(
      `[${clock(elapsed)}<${s.status === "running" ? clock(eta) : "00:00"}, ${rate.toFixed(2)} ${s.unit}/s]`,
    );
  } else {
    parts.push(`${s.value} ${s.unit}`, `[${clock(elapsed)}, ${rate.toFixed(2)} ${s.unit}/s]`);
  }
  const info = Object.entries(s.info).map(([k, v]) => `${k}=${fmtInfo(v)}`);
  if (info.length) parts.push(info.join(" "));
  if (s.status === "failed") parts.push("(failed)");
  return parts.join(" ");
}

/**
 * The parts of the line apart from its text bar: label, percentage, count, timing and each info
 * field, so HTML can lay them out (and wrap them) on its own.
 */
function progressParts(s: ProgressState): string[] {
  const elapsed = (s.now - s.startedAt) / 1000;
  const rate = elapsed > 0 ? s.value / elapsed : 0;
  const parts: string[] = [s.label];
  if (s.total && s.total > 0) {
    const frac = Math.min(1, Math.max(0, s.value / s.total));
    const eta = rate > 0 ? (s.total - s.value) / rate : NaN;
    parts.push(`${Math.floor(frac * 100)}%`, `${s.value}/${s.total}`);
    parts.push(
      `[${clock(elapsed)}<${s.status === "running" ? clock(eta) : "00:00"}, ${rate.toFixed(2)} ${s.unit}/s]`,
    );
  } else {
    parts.push(`${s.value} ${s.unit}`, `[${clock(elapsed)}, ${rate.toFixed(2)} ${s.unit}/s]`);
  }
  for (const [k, v] of Object.entries(s.info)) parts.push(`${k}=${fmtInfo(v)}`);
  if (s.status === "failed") parts.push("(failed)");
  return parts;
}

/**
 * The MIME bundle of a progress state: the text line (with its █ bar) for plain front ends, and
 * compact HTML — a `<progress>` bar, then each field in its own `<samp>` (monospace with no style
 * needed, so untrusted notebooks keep it) that wraps to the output's width instead of running past it.
 */
export function progressBundle(s: ProgressState): MimeBundle {
  const text = progressLine(s);
  const max = s.total && s.total > 0 ? s.total : 1;
  const value = s.total && s.total > 0 ? Math.min(s.value, s.total) : 0;
  const color = s.status === "failed" ? "#c0392b" : s.status === "done" ? "#2e7d32" : "#1f77b4";
  const fields = progressParts(s).map((p) => `<samp style="white-space:nowrap">${escapeHtml(p)}</samp>`);
  const bar = `<progress value="${value}" max="${max}" ` +
    `style="width:10em;max-width:100%;vertical-align:middle;accent-color:${color}"></progress>`;
  const html = `<div style="max-width:100%;line-height:1.6">${fields[0]} ${bar} ${
    fields.slice(1).join(" ")
  }</div>`;
  return { "text/plain": text, "text/html": html };
}
