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

/** The MIME bundle of a progress state: an HTML `<progress>` bar plus the text line. */
export function progressBundle(s: ProgressState): MimeBundle {
  const text = progressLine(s);
  const max = s.total && s.total > 0 ? s.total : 1;
  const value = s.total && s.total > 0 ? Math.min(s.value, s.total) : 0;
  const color = s.status === "failed" ? "#c0392b" : s.status === "done" ? "#2e7d32" : "#1f77b4";
  const html = `<div style="font-family:monospace;white-space:pre"><progress value="${value}" max="${max}" ` +
    `style="width:16em;vertical-align:middle;accent-color:${color}"></progress> ${escapeHtml(text)}</div>`;
  return { "text/plain": text, "text/html": html };
}
