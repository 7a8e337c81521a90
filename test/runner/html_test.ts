import assert from "node:assert/strict";
import { renderHtml } from "../../runner/html.ts";
import { parseNotebook } from "../../runner/notebook.ts";
import { addMarkers } from "../../runner/markers.ts";

const PNG =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

Deno.test("renderHtml: a standalone page with markdown, sources, status, and each output in its richest form", () => {
  const nb = parseNotebook(JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: "seglab", display_name: "seglab (TypeScript)" },
      seglab: { status: "completed", parameters: { iters: 40 }, duration: 12.5 },
    },
    cells: [
      {
        cell_type: "markdown",
        source: "# Road results\n\n| run | mIoU |\n|---|---|\n| CE | 0.71 |",
        metadata: {},
      },
      {
        cell_type: "code",
        source: "const a = 1 < 2;",
        metadata: { tags: ["parameters"], seglab: { status: "completed", duration: 0.5 } },
        execution_count: 1,
        outputs: [
          { output_type: "stream", name: "stdout", text: "mIoU 0.7312 <b>\n" },
          {
            output_type: "display_data",
            data: {
              "image/svg+xml": '<svg width="10"><rect/></svg>',
              "image/png": PNG,
              "text/plain": "Figure",
            },
            metadata: {},
          },
          { output_type: "display_data", data: { "image/png": PNG, "text/plain": "mask" }, metadata: {} },
          {
            output_type: "execute_result",
            data: { "text/html": "<table><tr><td>t</td></tr></table>", "text/plain": "table" },
            metadata: {},
            execution_count: 1,
          },
          {
            output_type: "error",
            ename: "Error",
            evalue: "x",
            traceback: ["\u001b[31mError: x\u001b[0m", "    at cell 1:1"],
          },
        ],
      },
    ],
  }));
  const html = renderHtml(nb);
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /<title>Road results<\/title>/);
  assert.match(html, /<h1>Road results<\/h1>/);
  assert.match(html, /<td>CE<\/td>/, "markdown tables render");
  assert.match(html, /const a = 1 &lt; 2;/, "sources are escaped");
  assert.match(html, /mIoU 0\.7312 &lt;b&gt;/, "streams are escaped");
  assert.match(html, /<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="10">/, "SVG inline, with xmlns");
  assert.match(
    html,
    new RegExp(`<img class="image" alt="" src="data:image/png;base64,${PNG.replace(/[+/]/g, "\\$&")}">`),
  );
  assert.match(html, /<table><tr><td>t<\/td><\/tr><\/table>/, "HTML results inline");
  assert.ok(html.includes("Error: x\n    at cell 1:1"), "tracebacks without ANSI codes");
  assert.ok(!html.includes("\u001b"));
  assert.match(html, /parameters<\/th><td>iters=40/);
  assert.match(html, /In \[1\]:/);
  assert.match(html, /completed · 0\.50 s/);
  assert.doesNotMatch(renderHtml(nb, { hideInputs: true }), /const a = 1/);
  // HTML that is only a table, next to an image of the figure: both are shown.
  const both = renderHtml(parseNotebook(JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{
      cell_type: "code",
      source: "compareRuns(runs)",
      metadata: {},
      execution_count: 1,
      outputs: [{
        output_type: "execute_result",
        data: { "text/html": "<table></table>", "image/png": PNG, "text/plain": "t" },
        metadata: {},
        execution_count: 1,
      }],
    }],
  })));
  assert.match(both, /<table><\/table><\/div><img class="image"/);
});

Deno.test("renderHtml: error markers stand out and link to the failing cell", () => {
  const nb = parseNotebook(JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [{ cell_type: "code", source: "x", metadata: {}, execution_count: 3, outputs: [] }],
  }));
  const html = renderHtml(
    addMarkers(nb, {
      kind: "error",
      cellIndex: 0,
      executionCount: 3,
      summary: "ReferenceError: x is not defined",
    }),
  );
  assert.match(html, /class="cell markdown marker"/);
  assert.match(html, /An exception was raised in cell 1 \(In \\?\[3\\?\]\)/);
  assert.match(html, /href="#seglab-error-cell"/);
  assert.match(html, /<span id="seglab-error-cell"><\/span>/);
});
