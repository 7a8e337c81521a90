/**
 * A static HTML page of an executed notebook, for CI artifacts: one self-contained file (styles
 * inline, images as data URIs, SVG figures inline) with the markdown rendered, each code cell's
 * source, prompt, status and time, and its outputs in their richest form (HTML, SVG, PNG/JPEG,
 * markdown, LaTeX source, JSON, text). The run's summary (kernel, parameters, status, duration)
 * comes from `metadata.seglab` when the notebook was executed by `nb run`.
 *
 * @example
 * ```ts
 * import { readNotebook, renderHtml } from "seglab/runner";
 * const nb = await readNotebook("build/lovasz_hinge_roads.ipynb");
 * await Deno.writeTextFile("build/lovasz_hinge_roads.html", renderHtml(nb));
 * ```
 * @module
 */
import { Marked } from "marked";
import {
  type Cell,
  cellSource,
  cellTags,
  joinMultiline,
  type MimeBundle,
  type Notebook,
  type Output,
} from "./notebook.ts";
import { ERROR_CELL_TAG } from "./markers.ts";
import { stripAnsi } from "../kernel/exec/output.ts";
import { escapeHtml } from "../lib/core/escape.ts";

/** Options of {@linkcode renderHtml}. */
export interface HtmlOptions {
  /** The page title (default: the notebook's first heading, else `defaultTitle`). */
  title?: string;
  /** The title when the notebook has no heading (default "Notebook"). */
  defaultTitle?: string;
  /** Leave out code cells' sources (a report). */
  hideInputs?: boolean;
}

const marked = new Marked({ gfm: true, breaks: false });

function markdown(src: string, attachments?: Record<string, MimeBundle>): string {
  let text = src;
  if (attachments) {
    text = text.replace(/attachment:([^\s)"']+)/g, (m, name: string) => {
      const b = attachments[name];
      if (!b) return m;
      const [mime, data] = Object.entries(b)[0] ?? [];
      return mime ? `data:${mime};base64,${joinMultiline(data as string).replace(/\s/g, "")}` : m;
    });
  }
  return marked.parse(text, { async: false }) as string;
}

function text(v: unknown): string {
  return typeof v === "string" || Array.isArray(v)
    ? joinMultiline(v as string | string[])
    : JSON.stringify(v, null, 2);
}

function renderBundle(data: MimeBundle): string {
  const has = (m: string) => data[m] !== undefined;
  if (has("text/html")) {
    const html = text(data["text/html"]);
    // A bundle whose HTML is only a table, with the figure as a separate image: show both.
    const image = /<img|<svg/i.test(html)
      ? undefined
      : ["image/svg+xml", "image/png", "image/jpeg"].find(has);
    const extra = image ? renderBundle({ [image]: data[image] }) : "";
    return `<div class="html">${html}</div>${extra}`;
  }
  if (has("image/svg+xml")) {
    let svg = text(data["image/svg+xml"]).replace(/^<\?xml[^>]*>\s*/, "");
    if (!/xmlns=/.test(svg.slice(0, 200))) {
      svg = svg.replace(/^<svg/, '<svg xmlns="http://www.w3.org/2000/svg"');
    }
    return `<div class="svg">${svg}</div>`;
  }
  for (const m of ["image/png", "image/jpeg", "image/gif", "image/webp"]) {
    if (has(m)) {
      return `<img class="image" alt="" src="data:${m};base64,${text(data[m]).replace(/\s/g, "")}">`;
    }
  }
  if (has("text/markdown")) return `<div class="markdown">${markdown(text(data["text/markdown"]))}</div>`;
  if (has("text/latex")) return `<pre class="text">${escapeHtml(text(data["text/latex"]))}</pre>`;
  const scrap = data["application/scrapbook.scrap.json+json"] as
    | { name?: string; data?: unknown }
    | undefined;
  if (scrap && !has("text/plain")) {
    return `<pre class="text muted">record ${escapeHtml(String(scrap.name))} = ${
      escapeHtml(JSON.stringify(scrap.data))
    }</pre>`;
  }
  const json = Object.keys(data).find((k) => k === "application/json" || k.endsWith("+json"));
  if (json && !has("text/plain")) return `<pre class="text">${escapeHtml(text(data[json]))}</pre>`;
  if (has("text/plain")) {
    return `<pre class="text">${escapeHtml(stripAnsi(text(data["text/plain"])))}</pre>`;
  }
  return `<pre class="text muted">[${escapeHtml(Object.keys(data).join(", "))}]</pre>`;
}

function renderOutput(o: Output): string {
  switch (o.output_type) {
    case "stream":
      return `<pre class="stream ${o.name}">${escapeHtml(stripAnsi(joinMultiline(o.text)))}</pre>`;
    case "error": {
      const tb = o.traceback.length ? o.traceback.join("\n") : `${o.ename}: ${o.evalue}`;
      return `<pre class="error">${escapeHtml(stripAnsi(tb))}</pre>`;
    }
    case "execute_result":
    case "display_data":
      return renderBundle(o.data);
    default:
      return "";
  }
}

function renderCell(cell: Cell, opts: HtmlOptions): string {
  const src = cellSource(cell);
  if (cell.cell_type === "markdown") {
    const marker = cellTags(cell).includes(ERROR_CELL_TAG);
    return `<section class="cell markdown${marker ? " marker" : ""}">${
      markdown(src, cell.attachments)
    }</section>`;
  }
  if (cell.cell_type === "raw") return `<section class="cell raw"><pre>${escapeHtml(src)}</pre></section>`;
  const meta = (cell.metadata.seglab ?? {}) as { status?: string; duration?: number };
  const status = meta.status ?? (cell.execution_count !== null ? "completed" : "pending");
  const tags = cellTags(cell).filter((t) => t === "parameters" || t === "injected-parameters");
  const badge = [
    ...tags.map((t) => `<span class="tag">${escapeHtml(t)}</span>`),
    `<span class="status ${escapeHtml(status)}">${escapeHtml(status.replace("_", " "))}${
      typeof meta.duration === "number"
        ? ` · ${meta.duration < 10 ? meta.duration.toFixed(2) : meta.duration.toFixed(1)} s`
        : ""
    }</span>`,
  ].join(" ");
  const prompt = `In [${cell.execution_count ?? " "}]:`;
  const input = opts.hideInputs ? "" : `<pre class="source"><code>${escapeHtml(src)}</code></pre>`;
  const outputs = cell.outputs.map(renderOutput).join("\n");
  return `<section class="cell code ${escapeHtml(status)}">
<div class="head"><span class="prompt">${prompt}</span>${badge}</div>
${input}${outputs ? `<div class="outputs">${outputs}</div>` : ""}
</section>`;
}

function summary(nb: Notebook): string {
  const m = nb.metadata.seglab as Record<string, unknown> | undefined;
  if (!m) return "";
  const rows: [string, string][] = [];
  const add = (k: string, v: unknown) => {
    if (v !== undefined && v !== null && v !== "") {
      rows.push([k, typeof v === "string" ? v : JSON.stringify(v)]);
    }
  };
  add("status", m.status);
  add(
    "kernel",
    `${nb.metadata.kernelspec?.display_name ?? m.kernel}${
      m.kernel_implementation ? ` (${m.kernel_implementation})` : ""
    }`,
  );
  add("input", m.input_path);
  const params = m.parameters as Record<string, unknown> | undefined;
  if (params && Object.keys(params).length) {
    add("parameters", Object.entries(params).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join("  "));
  }
  add("started", m.start_time);
  if (typeof m.duration === "number") add("duration", `${m.duration.toFixed(1)} s`);
  add("message", m.message);
  return `<table class="run">${
    rows.map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join("")
  }</table>`;
}

const CSS = `
body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1d1d1f}
pre{font:13px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:pre-wrap;word-break:break-word;margin:.3em 0}
.cell{margin:1.2em 0}.cell.code{border-left:3px solid #d0d7de;padding-left:.8em}
.cell.code.failed,.cell.code.timed_out{border-left-color:#cf222e}.cell.code.pending{opacity:.6}
.head{font-size:12px;color:#57606a;display:flex;gap:.6em;align-items:center}
.prompt{font-family:ui-monospace,monospace;color:#0550ae}
.status{border-radius:8px;padding:0 .5em;background:#eaeef2}.status.completed{background:#dafbe1}
.status.failed,.status.timed_out{background:#ffebe9;color:#cf222e}.tag{border:1px solid #d0d7de;border-radius:8px;padding:0 .5em}
.source{background:#f6f8fa;padding:.6em;border-radius:6px}
.outputs{padding:.3em 0}.stream.stderr{background:#fff8c5}.error{background:#ffebe9;color:#82071e;padding:.5em;border-radius:6px}
.muted{color:#8c959f}.image{max-width:100%}.svg svg{max-width:100%;height:auto}
.marker{background:#ffebe9;border:1px solid #cf222e;border-radius:6px;padding:.3em .8em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #d0d7de;padding:.2em .6em;text-align:left}
table.run{font-size:13px;margin-bottom:1.5em}table.run th{background:#f6f8fa}
`;

/** The notebook as a standalone HTML page. */
export function renderHtml(nb: Notebook, opts: HtmlOptions = {}): string {
  const heading = nb.cells.find((c) => c.cell_type === "markdown" && /^#\s+/m.test(cellSource(c)));
  const title = opts.title ??
    (heading ? /^#\s+(.+)$/m.exec(cellSource(heading))![1].trim() : opts.defaultTitle ?? "Notebook");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="generator" content="seglab nb"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>
<body>
${summary(nb)}
${nb.cells.map((c) => renderCell(c, opts)).join("\n")}
</body></html>
`;
}
