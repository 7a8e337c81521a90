/**
 * Widgets and editing in a real front end: Debian's Notebook 6 with its widget nbextension
 * (jupyter-js-widgets 2.1.4, so widgets speak protocol 1), in headless Chromium. A notebook
 * builds a slider and a dropdown with seglab/widgets; the page must show them, a choice made in
 * the page must reach the kernel (`d.value`), and a new cell must be highlighted as TypeScript.
 * The screenshot is kept ($SEGLAB_NOTEBOOK_OUT when set). Needs Jupyter (SEGLAB_REQUIRE_JUPYTER)
 * and Chromium (SEGLAB_REQUIRE_CHROMIUM).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import { installTestKernel, jupyterTest } from "../../support/jupyter.ts";
import { chromiumTest, withPage } from "../../support/chromium.ts";
import { freePorts } from "../../../runner/client/spawn.ts";

const CELLS = [
  `import { Dropdown, FloatSlider, VBox } from "seglab/widgets";
const s = new FloatSlider({ value: 0.25, min: 0, max: 1, step: 0.05, description: "coef" });
const d = new Dropdown({ options: ["LovaszSoftmaxLoss", "CrossEntropyLoss"], description: "type" });
new VBox({ children: [s, d] })`,
  `\`kernel sees: \${d.value}\``,
  `import { interact } from "seglab/widgets";
await interact(({ pick }) => \`drawn for \${pick}\`, { pick: ["first choice", "second choice"] });`,
];

async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function notebookServer(dir: string, port: number, jupyterPath: string): Deno.ChildProcess {
  return new Deno.Command("/usr/bin/python3", {
    args: [
      "-m",
      "notebook",
      "--no-browser",
      `--port=${port}`,
      "--ip=127.0.0.1",
      "--allow-root", // CI containers run as root
      "--NotebookApp.token=",
      "--NotebookApp.password=",
      `--notebook-dir=${dir}`,
    ],
    env: { JUPYTER_PATH: jupyterPath, JUPYTER_CONFIG_DIR: path.join(dir, ".jupyter-config") },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
}

const NAME =
  "widgets in Notebook 6 (protocol 1): shown, a page choice reaches the kernel, new cells highlighted";

async function notebook6Check(): Promise<void> {
  const kernel = await installTestKernel({ name: "seglab-nb6" });
  const dir = await Deno.makeTempDir({ prefix: "seglab-nb6-" });
  const out = Deno.env.get("SEGLAB_NOTEBOOK_OUT") || dir;
  await Deno.mkdir(out, { recursive: true });
  await Deno.writeTextFile(
    path.join(dir, "widgets.ipynb"),
    JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: { kernelspec: { name: kernel.name, display_name: "seglab", language: "typescript" } },
      cells: CELLS.map((source, i) => ({
        cell_type: "code",
        id: `c${i}`,
        metadata: {},
        source,
        outputs: [],
        execution_count: null,
      })),
    }),
  );
  const [port] = await freePorts(1);
  const server = notebookServer(dir, port, kernel.jupyterPath);
  try {
    await withPage(
      async (page) => {
        const base = `http://127.0.0.1:${port}`;
        await waitFor("the notebook server", async () => {
          try {
            return (await fetch(`${base}/api`)).ok ? true : undefined;
          } catch {
            return undefined;
          }
        });
        await page.goto(`${base}/notebooks/widgets.ipynb`, { waitUntil: "load" });
        // The kernel is up and the widget extension has checked its version with the kernel.
        await waitFor("the kernel", async () =>
          (await page.evaluate(`(() => {
          const k = window.Jupyter && Jupyter.notebook && Jupyter.notebook.kernel;
          return !!(k && k.is_connected() && k.info_reply && k.info_reply.implementation);
        })()`))
            ? true
            : undefined);
        await new Promise((r) => setTimeout(r, 1500));
        await page.evaluate("Jupyter.notebook.execute_cells([0])");
        await waitFor("the widgets", async () =>
          (await page.evaluate(
              `document.querySelectorAll(".widget-area .widget-slider, .widget-area select").length >= 2`,
            ))
            ? true
            : undefined);
        // Choose the second option in the page's dropdown.
        const choose = await page.evaluate(`(() => {
        const sel = document.querySelector(".widget-area select");
        if (sel) {
          sel.selectedIndex = 1;
          sel.dispatchEvent(new Event("change", { bubbles: true }));
          return "select";
        }
        return "none";
      })()`);
        assert.equal(choose, "select", "the dropdown is a <select>");
        await new Promise((r) => setTimeout(r, 1500));
        await page.evaluate("Jupyter.notebook.execute_cells([1])");
        const seen = await waitFor("the kernel's answer", async () => {
          const t = await page.evaluate(`(() => {
          const c = Jupyter.notebook.get_cell(1);
          return c.output_area.outputs.map((o) => (o.data && o.data["text/plain"]) || o.text || "").join("");
        })()`) as string;
          return t.includes("kernel sees") ? t : undefined;
        });
        assert.match(seen, /kernel sees: CrossEntropyLoss/);
        // interact: its output redraws when a control changes in the page.
        await page.evaluate("Jupyter.notebook.execute_cells([2])");
        const outputText = () =>
          page.evaluate(`(() => {
          const c = Jupyter.notebook.get_cell(2);
          return c.element[0].querySelector(".widget-area") ? c.element[0].querySelector(".widget-area").innerText : "";
        })()`) as Promise<string>;
        await waitFor(
          "interact's first drawing",
          async () => (await outputText()).includes("drawn for first choice") ? true : undefined,
        );
        await page.evaluate(`(() => {
        const sel = Jupyter.notebook.get_cell(2).element[0].querySelector(".widget-area select");
        sel.selectedIndex = 1;
        sel.dispatchEvent(new Event("change", { bubbles: true }));
      })()`);
        await waitFor(
          "interact's redraw",
          async () => (await outputText()).includes("drawn for second choice") ? true : undefined,
          30_000,
        );
        // A new cell gets TypeScript highlighting (codemirror_mode).
        const classes = await page.evaluate(`(() => {
        const cell = Jupyter.notebook.insert_cell_at_bottom("code");
        cell.set_text("const answer: number = 42; // typed");
        cell.code_mirror.refresh();
        return Array.from(cell.element[0].querySelectorAll(".CodeMirror-code span[class^='cm-']")).map((s) => s.className);
      })()`) as string[];
        assert.ok(classes.includes("cm-keyword"), `new cell spans: ${classes.join(" ")}`);
        assert.ok(
          classes.some((c) => c.includes("cm-type") || c.includes("cm-variable-3")),
          `no TypeScript type token: ${classes.join(" ")}`,
        );
        await new Promise((r) => setTimeout(r, 500)); // let CodeMirror measure the new cell
        await page.screenshot({ path: path.join(out, "notebook6_widgets.png"), fullPage: true });
        await page.evaluate("Jupyter.notebook.kernel.kill()").catch(() => {});
      },
      1100,
      900,
    );
  } finally {
    try {
      server.kill("SIGTERM");
    } catch { /* ended */ }
    await server.output().catch(() => {});
    await kernel.remove();
  }
  // Reached only on success: a failure leaves the folder (notebook, screenshot) to look at.
  await Deno.remove(dir, { recursive: true });
}

// Both Jupyter and Chromium are needed: the Jupyter gate reports a missing notebook server.
const jupyter = await new Deno.Command("/usr/bin/python3", {
  args: ["-c", "import notebook, jupyter_client"],
  stdout: "null",
  stderr: "null",
}).output().then((o) => o.success).catch(() => false);
if (jupyter) chromiumTest(NAME, notebook6Check);
else {jupyterTest(NAME, () =>
    Promise.reject(new Error("Debian's jupyter-notebook (python3-notebook) is missing")));}
