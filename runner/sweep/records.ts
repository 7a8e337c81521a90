/**
 * `readRecords(notebook)`: the values cells stored with `record()` (and with Python's
 * `scrapbook.glue(name, value)` or papermill's `pm.record`), read back from an executed notebook.
 * A name recorded twice keeps its last value, as scrapbook does; only JSON scraps are read
 * (scrapbook's display-only and arrow/pandas scraps are skipped).
 *
 * @example
 * ```ts
 * import { readRecords } from "seglab/runner";
 * const r = await readRecords("out/demo/lovasz_hinge_roads.ipynb");
 * console.log(r.miou);
 * ```
 * @module
 */
import type { JsonValue } from "../../kernel/record.ts";
import { PAPERMILL_RECORD_MIME, SCRAP_MIME } from "../../kernel/record.ts";
import { type Notebook, readNotebook } from "../notebook.ts";

/** The recorded values of a notebook object, in order of appearance (last value of a name wins). */
export function recordsOf(nb: Notebook): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const cell of nb.cells) {
    if (cell.cell_type !== "code") continue;
    for (const o of cell.outputs) {
      if (o.output_type !== "display_data" && o.output_type !== "execute_result") continue;
      const scrap = o.data[SCRAP_MIME] as { name?: unknown; data?: JsonValue } | undefined;
      if (scrap && typeof scrap === "object" && typeof scrap.name === "string" && "data" in scrap) {
        out[scrap.name] = scrap.data ?? null;
      }
      const legacy = o.data[PAPERMILL_RECORD_MIME];
      if (legacy && typeof legacy === "object" && !Array.isArray(legacy)) {
        Object.assign(out, legacy as Record<string, JsonValue>);
      }
    }
  }
  return out;
}

/**
 * Reads the records of the executed notebook at `path` (or of a notebook object).
 * @throws {NotebookError} when the file cannot be read or is not a notebook (the message names it).
 */
export async function readRecords(notebook: string | Notebook): Promise<Record<string, JsonValue>> {
  return recordsOf(typeof notebook === "string" ? await readNotebook(notebook) : notebook);
}
