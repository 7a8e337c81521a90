/**
 * Turning iopub messages into nbformat outputs, as nbclient does: consecutive stream chunks of
 * the same stream merge (carriage returns overwrite their line, as a terminal and JupyterLab
 * show them), `clear_output` (also with `wait`) clears, and `update_display_data` — or a second
 * `display_data` with the same `display_id` — rewrites every earlier output with that id in
 * place, in whichever cell it is, so a progress display ends as one output in its final state.
 *
 * @example
 * ```ts
 * import { OutputBook } from "./outputs.ts";
 * const book = new OutputBook();
 * const outputs: import("./notebook.ts").Output[] = [];
 * book.apply(outputs, "stream", { name: "stdout", text: "50%\r" });
 * book.apply(outputs, "stream", { name: "stdout", text: "100%\n" });
 * console.log(outputs[0]); // { output_type: "stream", name: "stdout", text: "100%\n" }
 * ```
 * @module
 */
import type { MimeBundle, Output, StreamOutput } from "./notebook.ts";
import { joinMultiline } from "./notebook.ts";

/** What applying a message did. */
export interface Applied {
  /** The output appended (or updated), if any. */
  output?: Output;
  /** True when earlier outputs were rewritten by a display update. */
  updated?: boolean;
  /** True when the outputs were cleared. */
  cleared?: boolean;
}

/**
 * Collapses carriage returns the way a terminal shows them: on each line, text before the last
 * `\r` is overwritten. A trailing `\r` is kept, so that the next chunk overwrites the line.
 */
export function collapseCarriageReturns(text: string): string {
  if (!text.includes("\r")) return text;
  const lines = text.replace(/\r\n/g, "\n").split("\n");
  return lines.map((line) => {
    if (!line.includes("\r")) return line;
    const trailing = line.endsWith("\r");
    const parts = line.split("\r").filter((p, i, all) => p !== "" || i === all.length - 1);
    const last = trailing ? parts[parts.length - 2] ?? "" : parts[parts.length - 1];
    return trailing ? `${last}\r` : last;
  }).join("\n");
}

/**
 * The outputs of a whole notebook run: remembers which outputs carry which `display_id` (across
 * cells) and which cells asked to clear on their next output.
 */
export class OutputBook {
  readonly #displays = new Map<string, Set<{ data: MimeBundle; metadata: Record<string, unknown> }>>();
  readonly #clearPending = new WeakSet<Output[]>();

  /** Applies one iopub message (by type and content) to a cell's `outputs`. */
  apply(outputs: Output[], msgType: string, content: Record<string, unknown>): Applied {
    switch (msgType) {
      case "stream": {
        this.#maybeClear(outputs);
        const name = content.name === "stderr" ? "stderr" : "stdout";
        const text = typeof content.text === "string" ? content.text : "";
        const last = outputs[outputs.length - 1];
        if (last && last.output_type === "stream" && last.name === name) {
          last.text = collapseCarriageReturns(joinMultiline(last.text) + text);
          return { output: last };
        }
        const out: StreamOutput = { output_type: "stream", name, text: collapseCarriageReturns(text) };
        outputs.push(out);
        return { output: out };
      }
      case "display_data":
      case "execute_result": {
        this.#maybeClear(outputs);
        const data = (content.data ?? {}) as MimeBundle;
        const metadata = (content.metadata ?? {}) as Record<string, unknown>;
        const out: Output = msgType === "execute_result"
          ? {
            output_type: "execute_result",
            data,
            metadata,
            execution_count: typeof content.execution_count === "number" ? content.execution_count : null,
          }
          : { output_type: "display_data", data, metadata };
        const id = displayId(content);
        let updated = false;
        if (id) updated = this.#update(id, data, metadata);
        outputs.push(out);
        if (id) this.#remember(id, out as { data: MimeBundle; metadata: Record<string, unknown> });
        return { output: out, updated };
      }
      case "update_display_data": {
        const id = displayId(content);
        if (!id) return {};
        const updated = this.#update(
          id,
          (content.data ?? {}) as MimeBundle,
          (content.metadata ?? {}) as Record<string, unknown>,
        );
        return { updated };
      }
      case "error": {
        this.#maybeClear(outputs);
        const out: Output = {
          output_type: "error",
          ename: String(content.ename ?? "Error"),
          evalue: String(content.evalue ?? ""),
          traceback: Array.isArray(content.traceback) ? content.traceback.map(String) : [],
        };
        outputs.push(out);
        return { output: out };
      }
      case "clear_output": {
        if (content.wait) {
          this.#clearPending.add(outputs);
          return {};
        }
        outputs.length = 0;
        this.#clearPending.delete(outputs);
        return { cleared: true };
      }
      default:
        return {};
    }
  }

  #maybeClear(outputs: Output[]): void {
    if (this.#clearPending.has(outputs)) {
      outputs.length = 0;
      this.#clearPending.delete(outputs);
    }
  }

  #remember(id: string, out: { data: MimeBundle; metadata: Record<string, unknown> }): void {
    let set = this.#displays.get(id);
    if (!set) this.#displays.set(id, set = new Set());
    set.add(out);
  }

  #update(id: string, data: MimeBundle, metadata: Record<string, unknown>): boolean {
    const set = this.#displays.get(id);
    if (!set || set.size === 0) return false;
    for (const out of set) {
      out.data = data;
      out.metadata = metadata;
    }
    return true;
  }
}

function displayId(content: Record<string, unknown>): string | undefined {
  const t = content.transient as { display_id?: unknown } | undefined;
  return typeof t?.display_id === "string" ? t.display_id : undefined;
}
