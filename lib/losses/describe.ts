/** Text and HTML descriptions of losses, for `toString()` and notebook display. */
import type { MimeBundle } from "../core/mime.ts";
import { escapeHtml } from "../core/escape.ts";

function value(v: unknown): string {
  if (typeof v === "string") return `"${v}"`;
  if (
    v && typeof v === "object" && "type" in (v as object) &&
    typeof (v as { toString: unknown }).toString === "function"
  ) {
    return String(v);
  }
  return JSON.stringify(v);
}

/** `Type(a=1, b="x")`. */
export function describeLoss(type: string, params: Readonly<Record<string, unknown>>): string {
  const args = Object.entries(params).map(([k, v]) => `${k}=${value(v)}`);
  return `${type}(${args.join(", ")})`;
}

/** A bundle showing `rows` (term, weight, definition) as a table. */
export function lossTableBundle(
  title: string,
  rows: { term: string; weight: number; definition: string }[],
): MimeBundle {
  const text = [title, ...rows.map((r) => `  ${r.weight} × ${r.term}: ${r.definition}`)].join("\n");
  const body = rows.map((r) =>
    `<tr><td>${escapeHtml(r.term)}</td><td style="text-align:right">${r.weight}</td>` +
    `<td><code>${escapeHtml(r.definition)}</code></td></tr>`
  ).join("");
  const html = `<table><caption style="text-align:left">${escapeHtml(title)}</caption>` +
    `<thead><tr><th>term</th><th>weight</th><th>loss</th></tr></thead><tbody>${body}</tbody></table>`;
  return { "text/plain": text, "text/html": html };
}
