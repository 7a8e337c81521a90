/**
 * Fixtures for the runner's tests: a temporary Jupyter data dir holding a kernelspec for Deno's
 * own kernel (`deno jupyter`, with interrupt by message and NO_COLOR, as the research notes
 * recommend) and fake kernels; notebooks built from a list of cells.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Notebook } from "../../runner/notebook.ts";

/** A fresh temporary folder. */
export function tempDir(prefix = "seglab-nb-test-"): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** Writes `kernels/<name>/kernel.json` under `dataDir`. */
export function writeKernelSpec(dataDir: string, name: string, spec: Record<string, unknown>): void {
  const dir = path.join(dataDir, "kernels", name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "kernel.json"), JSON.stringify(spec, null, 1));
}

/** A data dir with "deno-test" (Deno's kernel) and the system dirs after it (for python3). */
export function kernelDirs(): { dataDirs: string[]; dir: string } {
  const dir = tempDir("seglab-nb-kernels-");
  writeKernelSpec(dir, "deno-test", {
    argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: "Deno (test)",
    language: "typescript",
    interrupt_mode: "message",
    env: { NO_COLOR: "1" },
  });
  return { dir, dataDirs: [dir, "/usr/local/share/jupyter", "/usr/share/jupyter"] };
}

/** A cell description: [type, source, tags?]. */
export type CellSpec = ["code" | "markdown", string, string[]?];

/** An nbformat 4.4 notebook (no cell ids: the runner must add them). */
export function notebook(cells: CellSpec[], kernel = "deno-test", language = "typescript"): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 4,
    metadata: { kernelspec: { name: kernel, display_name: kernel, language } },
    cells: cells.map(([type, source, tags]) => ({
      cell_type: type,
      metadata: tags ? { tags } : {},
      source,
      ...(type === "code" ? { outputs: [], execution_count: null } : {}),
    })),
  } as unknown as Notebook;
}

/** Writes a notebook as JSON; returns its path. */
export function writeNotebook(dir: string, name: string, nb: Notebook | string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, typeof nb === "string" ? nb : JSON.stringify(nb, null, 1));
  return p;
}

/** Reads a written notebook back as plain JSON. */
export function readJson(p: string): Notebook {
  return JSON.parse(fs.readFileSync(p, "utf8"));
}

/** Concatenated stream text of a code cell's outputs. */
export function streamText(nb: Notebook, index: number): string {
  const c = nb.cells[index];
  if (c.cell_type !== "code") return "";
  return c.outputs.filter((o) => o.output_type === "stream").map((o) =>
    Array.isArray((o as { text: string | string[] }).text)
      ? (o as { text: string[] }).text.join("")
      : (o as { text: string }).text
  ).join("");
}
