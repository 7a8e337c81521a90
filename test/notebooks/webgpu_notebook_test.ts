/**
 * Recipe 2's notebook (finetune_from_ce.ipynb) runs green headless on the `webgpu` backend
 * (`SEGLAB_BACKEND=webgpu`), in strict mode (`SEGLAB_STRICT_ASYNC=1`: any synchronous tensor read
 * throws), with tiny parameters: CE training, checkpoint, Lovász fine-tune, evaluation, masks.
 * Skipped without a WebGPU adapter; fails then under `SEGLAB_REQUIRE_WEBGPU=1`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { runNotebook } from "../../runner/mod.ts";
import type { CodeCell, Notebook } from "../../runner/notebook.ts";
import { webgpuTest } from "../support/webgpu.ts";

const NOTEBOOK = fileURLToPath(new URL("../../notebooks/finetune_from_ce.ipynb", import.meta.url));

webgpuTest(
  "notebooks: finetune_from_ce.ipynb runs green with SEGLAB_BACKEND=webgpu and tiny parameters",
  async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "seglab-nb-webgpu-"));
    try {
      let log = "";
      const r = await runNotebook(NOTEBOOK, {
        kernel: "seglab",
        out: path.join(out, "finetune_from_ce.ipynb"),
        timeout: 300,
        parameters: {
          ceIters: 2,
          finetuneIters: 1,
          crop: 32,
          batchSize: 2,
          evalSamples: 2,
          showImages: 1,
        },
        env: {
          ...Deno.env.toObject(),
          SEGLAB_BACKEND: "webgpu",
          SEGLAB_STRICT_ASYNC: "1",
          XDG_RUNTIME_DIR: "/tmp",
        },
        log: (e) => {
          if (e.type === "cell-end" && e.status !== "completed") {
            log += `cell ${e.index + 1}: ${e.status} ${e.error?.ename}: ${e.error?.evalue}\n`;
          }
        },
      });
      assert.equal(r.exitCode, 0, `${r.message}\n${log}`);
      const nb = JSON.parse(fs.readFileSync(r.output, "utf8")) as Notebook;
      const text = nb.cells.filter((c): c is CodeCell => c.cell_type === "code").flatMap((c) =>
        c.outputs.map((o) =>
          o.output_type === "stream"
            ? [o.text].flat().join("")
            : o.output_type === "execute_result"
            ? [o.data["text/plain"] ?? ""].flat().join("")
            : ""
        )
      ).join("\n");
      assert.match(text, /backend webgpu; checkpoints in /);
      assert.match(text, /^CE: best mIoU 0\.\d{4} at iter 2; checkpoint /m);
      assert.match(text, /^Lovász fine-tune vs CE control: [+-]\d+\.\d\d mIoU points$/m);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  },
);
