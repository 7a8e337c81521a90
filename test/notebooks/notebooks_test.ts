/**
 * Every notebook in notebooks/ runs green with its default (small) parameters on this checkout's
 * seglab kernel, through the headless runner, and prints its headline metrics as text. The
 * executed copies validate against the nbformat schema (python3-nbformat, Jupyter-dependent).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { runNotebook } from "../../runner/mod.ts";
import type { CodeCell, Notebook } from "../../runner/notebook.ts";
import { jupyterTest } from "../support/jupyter.ts";
import { validateNotebooks } from "../support/notebook_validation.ts";

const DIR = fileURLToPath(new URL("../../notebooks/", import.meta.url));
/** Where the executed notebooks and their HTML pages go: $SEGLAB_NOTEBOOK_OUT (CI keeps them), else a temp folder. */
const OUT = Deno.env.get("SEGLAB_NOTEBOOK_OUT") ||
  fs.mkdtempSync(path.join(os.tmpdir(), "seglab-notebooks-"));

/** What each notebook must print (its headline metrics), as text in its outputs. */
const HEADLINES: Record<string, RegExp[]> = {
  "lovasz_hinge_roads.ipynb": [
    /^CE: mIoU 0\.\d{4}, road IoU 0\.\d{4} \(1 seed\)$/m,
    /^CE \+ 0\.02 Lovász hinge: mIoU 0\.\d{4}/m,
    /^Δ mIoU \(hinge − CE\): [+-]\d+\.\d\d points/m,
    /^NOTE: this is a smoke run \(30 iterations.*The full run .* gave CE 0\.9333 ± 0\.0152 vs CE \+ 0\.02 Lovász hinge 0\.9459 ± 0\.0034: \+1\.26 ± 1\.19/m,
  ],
  "lovasz_softmax_multiclass.ipynb": [
    /^CE: mIoU 0\.\d{4} \(1 seed\)$/m,
    /^Δ mIoU \(mixed − CE\): [+-]\d+\.\d\d points/m,
    /^rarest classes: traffic sign \([\d.]+ % of pixels\) IoU [\d.]+ → [\d.]+/m,
  ],
  "finetune_from_ce.ipynb": [
    /^CE: best mIoU 0\.\d{4} at iter \d+; checkpoint /m,
    /^checkpoint files: .*model\.json/m,
    /^Lovász fine-tune vs CE control: [+-]\d+\.\d\d mIoU points$/m,
  ],
  "dataset_exploration.ipynb": [
    /^rarest class: road [\d.]+ % of pixels; commonest: background/m,
    /^road per image: median [\d.]+ %/m,
  ],
  "loss_playground.ipynb": [
    /^"no road at all": road IoU 0, CE [\d.]+ vs Lovász hinge [\d.]+/m,
    /^share of the gradient on the \d+ misclassified pixels/m,
    /^mixed loss from the widgets: MixedLoss\(1 × CrossEntropyLoss\(.*\) \+ 0\.02 × LovaszHingeLoss\(/m,
  ],
};

const notebooks = fs.readdirSync(DIR).filter((f) => f.endsWith(".ipynb")).sort();
const written: string[] = [];

Deno.test("notebooks: every notebook in notebooks/ has its headline checks here", () => {
  assert.deepEqual(notebooks, Object.keys(HEADLINES).sort());
});

function text(nb: Notebook): string {
  return nb.cells.filter((c): c is CodeCell => c.cell_type === "code").flatMap((c) =>
    c.outputs.map((o) => {
      if (o.output_type === "stream") return [o.text].flat().join("");
      if (o.output_type === "error") return `${o.ename}: ${o.evalue}`;
      return [o.data["text/plain"] ?? ""].flat().join("");
    })
  ).join("\n");
}

for (const name of notebooks) {
  Deno.test({
    name: `notebooks: ${name} runs green with its defaults on the seglab kernel`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      let log = "";
      const r = await runNotebook(path.join(DIR, name), {
        kernel: "seglab",
        out: path.join(OUT, name),
        html: true,
        timeout: 300,
        log: (e) => {
          if (e.type === "cell-end" && e.status !== "completed") {
            log += `cell ${e.index + 1}: ${e.status} ${e.error?.ename}: ${e.error?.evalue}\n`;
          }
          if (e.type === "kernel-output" && e.stream === "stderr") log += e.text;
        },
      });
      written.push(r.output);
      assert.equal(r.exitCode, 0, `${name}: ${r.message}\n${log}`);
      const nb = JSON.parse(fs.readFileSync(r.output, "utf8")) as Notebook;
      const codeCells = nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
      for (const c of codeCells) {
        assert.equal((c.metadata.seglab as { status: string }).status, "completed", `${name}: cell ${c.id}`);
        assert.equal(
          c.outputs.filter((o) => o.output_type === "error").length,
          0,
          `${name}: cell ${c.id} has an error`,
        );
      }
      const all = text(nb);
      for (const re of HEADLINES[name]) assert.match(all, re, `${name} does not print ${re}`);
      const html = fs.readFileSync(r.html!, "utf8");
      assert.match(html, /data:image\/(png|svg\+xml);base64,|<svg/, `${name}: the HTML page has no figure`);
    },
  });
}

jupyterTest("notebooks: the executed notebooks validate against the nbformat 4.5 schema", () => {
  assert.equal(written.length, notebooks.length, "every notebook was executed first");
  assert.deepEqual(validateNotebooks(written), {});
  return Promise.resolve();
});
