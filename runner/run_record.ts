/**
 * The output notebook of a run as it is being written: the run's and each code cell's
 * `metadata.seglab`, the per-cell reports, atomic saves chained so an autosave never races the
 * final write, and the last phase of a run, {@linkcode RunRecord.finish} (markers, final save,
 * HTML page, the {@linkcode RunResult}).
 * @module
 */
import * as path from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../lib/core/files.ts";
import type { RunLog } from "./events.ts";
import type { ExitCode } from "./exit_codes.ts";
import { renderHtml } from "./html.ts";
import { addMarkers, type Failure } from "./markers.ts";
import { type CodeCell, type Notebook, serializeNotebook } from "./notebook.ts";
import type { RunPlan } from "./prepare.ts";
import { type CellReport, RUNNER_VERSION, type RunOptions, type RunResult } from "./run_types.ts";

const iso = () => new Date().toISOString();

/** The output notebook and the reports of one run. */
export class RunRecord {
  /** The notebook being executed; cells' outputs and metadata are written into it. */
  readonly nb: Notebook;
  /** The run's `metadata.seglab`. */
  readonly meta: Record<string, unknown>;
  /** Indices of the code cells, in order. */
  readonly codeCells: number[];
  readonly reports = new Map<number, CellReport>();
  readonly kernelInfo: RunResult["kernel"];
  #lastSave = 0;
  #saving: Promise<void> = Promise.resolve();

  constructor(
    readonly plan: RunPlan,
    readonly options: RunOptions,
    readonly log: RunLog,
    readonly warnings: string[],
    readonly t0: number,
  ) {
    const { nb, spec, language, input, output, params, cwd } = plan;
    this.nb = nb;
    nb.metadata.kernelspec = { name: spec.name, display_name: spec.display_name, language };
    this.meta = {
      version: RUNNER_VERSION,
      input_path: input,
      output_path: path.relative(process.cwd(), output) || output,
      parameters: params,
      kernel: spec.name,
      cwd,
      start_time: iso(),
      status: "running",
    };
    nb.metadata.seglab = this.meta;
    this.codeCells = nb.cells.flatMap((c, i) => (c.cell_type === "code" ? [i] : []));
    for (const i of this.codeCells) {
      const c = nb.cells[i] as CodeCell;
      c.outputs = [];
      c.execution_count = null;
      delete c.metadata.execution;
      c.metadata.seglab = { status: "pending" };
      this.reports.set(i, { index: i, id: c.id, status: "pending", executionCount: null });
    }
    this.kernelInfo = { name: spec.name, display_name: spec.display_name, language };
  }

  /** Records a warning and logs it. */
  warn(message: string): void {
    this.warnings.push(message);
    this.log({ type: "warning", message });
  }

  /** Writes `nb` (default: the notebook as it stands) atomically, after any save in progress. */
  save(nb: Notebook = this.nb): Promise<void> {
    this.#lastSave = performance.now();
    const text = serializeNotebook(nb);
    const output = this.plan.output;
    this.#saving = this.#saving.catch(() => {}).then(() => writeFileAtomic(output, text)).then(() =>
      this.log({ type: "saved", path: output })
    );
    return this.#saving;
  }

  /** Saves when the last save is older than the autosave interval (also in the middle of a long cell). */
  autosave(): void {
    if (performance.now() - this.#lastSave > (this.options.autosaveSeconds ?? 10) * 1000) {
      this.save().catch((e) => this.warn(`autosave of ${this.plan.output} failed: ${(e as Error).message}`));
    }
  }

  /** Ends the run: final metadata, markers, the last save, the HTML page; the result. */
  async finish(
    status: RunResult["status"],
    exitCode: ExitCode,
    failure?: Failure,
    message?: string,
  ): Promise<RunResult> {
    const { input, output, htmlPath } = this.plan;
    this.meta.end_time = iso();
    this.meta.duration = Number(((performance.now() - this.t0) / 1000).toFixed(3));
    this.meta.status = status;
    this.meta.exception = status !== "completed" && status !== "prepared";
    if (message) this.meta.message = message;
    const final = failure ? addMarkers(this.nb, failure) : this.nb;
    await this.save(final);
    let html: string | undefined;
    if (htmlPath) {
      await writeFileAtomic(htmlPath, renderHtml(final, { defaultTitle: path.basename(input) }));
      html = htmlPath;
    }
    const seconds = (performance.now() - this.t0) / 1000;
    this.log({ type: "end", exitCode, status, seconds, output, message });
    // Report indices into the notebook as written: the banner goes first, the anchor before the failing cell.
    const moved = (i: number) =>
      !failure ? i : i + 1 + (failure.cellIndex >= 0 && i >= failure.cellIndex ? 1 : 0);
    const cells = [...this.reports.values()].map((r) => ({ ...r, index: moved(r.index) }));
    return {
      input,
      output,
      html,
      exitCode,
      status,
      message,
      kernel: this.kernelInfo,
      cells,
      warnings: this.warnings,
      duration: seconds,
      notebook: final,
    };
  }
}
