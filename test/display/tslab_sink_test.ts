/**
 * The library's display helpers under tslab (Node), through nbclient: a notebook that imports the
 * built library (dist/) shows a plot (SVG + PNG), a table (HTML) and a progress bar updated in
 * place. tslab's kernelspec is installed into a temporary prefix with its own installer.
 */
import assert from "node:assert/strict";
import { freshDist } from "../support/dist.ts";
import { jupyterTest, notebook, PYTHON, runNotebook } from "../support/jupyter.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

jupyterTest(
  "tslab: a notebook using the built library displays a plot, a table and a progress bar",
  async () => {
    await freshDist();
    const prefix = await Deno.makeTempDir({ prefix: "seglab-tslab-" });
    const nbDir = await Deno.makeTempDir({ dir: `${ROOT}notebooks`, prefix: ".tslab-test-" });
    try {
      const install = await new Deno.Command(`${ROOT}node_modules/.bin/tslab`, {
        args: [
          "install",
          `--python=${PYTHON}`,
          `--prefix=${prefix}`,
          `--binary=${ROOT}node_modules/.bin/tslab`,
        ],
        stdout: "piped",
        stderr: "piped",
      }).output();
      assert.ok(install.success, new TextDecoder().decode(install.stderr));
      const cells = [
        'import { display, plot, Plot, Progress, table } from "../../dist/lib/mod.js";\nimport * as aq from "arquero";',
        'display(plot({ title: "mIoU", marks: [Plot.line([{ it: 1, v: 0.5 }, { it: 2, v: 0.7 }], { x: "it", y: "v" })] }));\nawait new Promise((r) => setTimeout(r, 2000));',
        "display(table(aq.table({ iter: [100, 200], mIoU: [0.61, 0.68] })));",
        'const p = new Progress({ total: 3, label: "train", minIntervalMs: 0 });\nfor (let i = 0; i < 3; i++) p.tick(1, { loss: 1 / (i + 1) });\np.done();',
        'display("a note")',
      ];
      const r = await runNotebook(notebook(cells, "tslab"), {
        jupyterPath: `${prefix}/share/jupyter`,
        cwd: nbDir,
        timeout: 120,
      });
      assert.ok(r.ok, r.stderr.slice(-3000));
      const outs = r.notebook!.cells.map((c) =>
        c.outputs as unknown as Array<{ output_type: string; data?: Record<string, unknown>; text?: unknown }>
      );
      const errors = outs.flat().filter((o) =>
        o.output_type === "error" || (o.output_type === "stream" && /Error/.test(String(o.text)))
      );
      assert.deepEqual(errors, []);
      const fig = outs[1].find((o) => o.output_type === "display_data")!;
      assert.ok(fig, JSON.stringify(outs).slice(0, 1500));
      assert.match(String(fig.data!["image/svg+xml"]), /^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
      assert.ok(String(fig.data!["image/png"]).length > 1000, "a PNG rendering");
      const tbl = outs[2].find((o) => o.output_type === "display_data")!;
      assert.match(String(tbl.data!["text/html"]), /<table[\s\S]*mIoU[\s\S]*0\.68/);
      const prog = outs[3].filter((o) => o.output_type === "display_data");
      assert.equal(prog.length, 1, "progress is one display updated in place");
      assert.match(String(prog[0].data!["text/plain"]), /train 100% .* 3\/3/);
      // display() as a cell's last value: tslab logs it, and the handle prints as nothing.
      const printed = outs[4].filter((o) => o.output_type === "stream").map((o) => String(o.text)).join("");
      assert.ok(!/displayId|update/.test(printed), `tslab printed the handle: ${printed}`);
      assert.equal(outs[4].filter((o) => o.output_type === "display_data").length, 1);
    } finally {
      await Deno.remove(prefix, { recursive: true });
      await Deno.remove(nbDir, { recursive: true });
    }
  },
);
