/**
 * End to end: cells call `record()` on the seglab kernel and on Deno's kernel; the runner writes
 * the executed notebook; `readRecords` reads the values back (last value of a name wins).
 * Notebooks written by Python's scrapbook (`glue`) and papermill's `record` read too.
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { runNotebook } from "../../../runner/mod.ts";
import type { Notebook } from "../../../runner/notebook.ts";
import { readRecords, recordsOf } from "../../../runner/sweep/records.ts";
import { kernelDirs, notebook, tempDir, writeNotebook } from "../_support.ts";

const RECORD_TS = fileURLToPath(new URL("../../../kernel/record.ts", import.meta.url));
const E2E = { sanitizeOps: false, sanitizeResources: false };
const work = tempDir("seglab-records-");

function recordingNotebook(kernel: string): Notebook {
  return notebook([
    ["code", "const seed = 1;", ["parameters"]],
    ["code", `import { record } from ${JSON.stringify(RECORD_TS)};\nrecord("miou", 0.5 + seed / 10);`],
    [
      "code",
      `record("per_class", { road: 0.25, bg: [1, NaN] });\nrecord("miou", 0.75 + seed / 100);\n"done"`,
    ],
  ], kernel);
}

for (const kernel of ["seglab", "deno-test"]) {
  Deno.test({
    ...E2E,
    name:
      `readRecords: values recorded by cells on the ${kernel} kernel come back from the executed notebook`,
    async fn() {
      const input = writeNotebook(work, `rec-${kernel}.ipynb`, recordingNotebook(kernel));
      const r = await runNotebook(input, {
        log: false,
        parameters: { seed: 2 },
        out: path.join(work, `rec-${kernel}.out.ipynb`),
        kernelSearch: { dataDirs: kernelDirs().dataDirs },
      });
      assert.equal(r.exitCode, 0, r.message);
      assert.deepEqual(await readRecords(r.output), { miou: 0.77, per_class: { road: 0.25, bg: [1, null] } });
      const outs = r.notebook.cells.flatMap((c) => c.cell_type === "code" ? c.outputs : []);
      const scrap = outs.find((o) => o.output_type === "display_data");
      assert.ok(scrap && scrap.output_type === "display_data");
      assert.deepEqual(scrap.metadata, { scrapbook: { name: "miou", data: true, display: false } });
    },
  });
}

Deno.test("readRecords: scrapbook's glue and papermill's record outputs, non-JSON scraps skipped", () => {
  const nb = notebook([["code", "x"]]);
  const cell = nb.cells[0] as { outputs: unknown[] };
  cell.outputs = [
    {
      output_type: "display_data",
      data: {
        "application/scrapbook.scrap.json+json": { name: "a", data: [1, 2], encoder: "json", version: 1 },
      },
      metadata: { scrapbook: { name: "a", data: true, display: false } },
    },
    {
      output_type: "display_data",
      data: {
        "application/scrapbook.scrap.arrow+json": { name: "df", data: "…", encoder: "arrow", version: 1 },
      },
      metadata: {},
    },
    { output_type: "display_data", data: { "application/papermill.record+json": { b: "x" } }, metadata: {} },
    { output_type: "stream", name: "stdout", text: "hello" },
  ];
  assert.deepEqual(recordsOf(nb), { a: [1, 2], b: "x" });
});

Deno.test("readRecords: a missing notebook is an error naming the path", async () => {
  await assert.rejects(readRecords(path.join(work, "nope.ipynb")), /nope\.ipynb/);
});
