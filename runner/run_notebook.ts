/**
 * `runNotebook(path, options)`: executes a notebook headless on a Jupyter kernel and writes the
 * executed copy — papermill's job, for any kernel, with no Python.
 *
 * A run goes through phases, each in its own file:
 *
 * 1. `prepare.ts` checks everything it can before a kernel starts (the notebook, the kernelspec,
 *    the parameters, the output path) and throws `RunUsageError` (exit code 2) on bad
 *    input;
 * 2. `run_record.ts` makes the output notebook and saves it; `kernel_session.ts` starts the
 *    kernel and routes its outputs into the notebook;
 * 3. `run_cells.ts` executes the code cells;
 * 4. `RunRecord.finish` writes the result.
 *
 * What a run guarantees:
 *
 * - Injects parameters after the cell tagged `parameters` (see `parameters.ts`).
 * - Runs the code cells in order, honouring nbclient's tags `skip-execution` and
 *   `raises-exception`, and a per-cell `timeout=<seconds>` tag over the run's `timeout`.
 * - Always writes the output notebook, atomically, at the start, every few seconds while it runs,
 *   and at the end — also when a cell fails, times out or the kernel dies — with papermill-style
 *   error markers at the top, each code cell's `metadata.seglab` (`status`, `start_time`,
 *   `end_time`, `duration`) and nbclient's `metadata.execution` timestamps, and the run's
 *   `metadata.seglab` (parameters, paths, kernel, times, status). nbformat 4.5.
 * - Never overwrites its input unless `inplace` is set.
 *
 * @example
 * ```ts
 * import { runNotebook } from "seglab/runner";
 * const r = await runNotebook("notebooks/lovasz_hinge_roads.ipynb", {
 *   out: "build/roads.ipynb",
 *   parameters: { iters: 40 },
 *   timeout: 600,
 * });
 * console.log(r.exitCode, r.output, r.cells.filter((c) => c.status === "failed"));
 * ```
 * @module
 */
import { EXIT } from "./exit_codes.ts";
import { KernelSpawnError } from "./client/spawn.ts";
import { startReadySession } from "./start_kernel.ts";
import { prepareRun } from "./prepare.ts";
import { RunRecord } from "./run_record.ts";
import { runCells } from "./run_cells.ts";
import type { RunOptions, RunResult } from "./run_types.ts";
import { terminalLog } from "./terminal_log.ts";

export { checkWritable, resolveKernelSpec, resolveOutputPath } from "./prepare.ts";
export { RUNNER_VERSION } from "./run_types.ts";
export type { CellReport, RunOptions, RunResult } from "./run_types.ts";

/**
 * Runs a notebook; see the module documentation.
 * @throws {RunUsageError} for bad input found before the kernel starts (exit code 2).
 */
export async function runNotebook(input: string, options: RunOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const log = options.log === false ? () => {} : options.log ?? terminalLog();
  const warnings: string[] = [];
  const plan = await prepareRun(input, options, (message) => {
    warnings.push(message);
    log({ type: "warning", message });
  });
  const record = new RunRecord(plan, options, log, warnings, t0);
  log({
    type: "start",
    input,
    output: plan.output,
    kernel: plan.spec.name,
    cwd: plan.cwd,
    cells: record.codeCells.length,
  });
  if (plan.injectedIndex !== undefined) {
    log({ type: "parameters", values: plan.params, injectedAfter: plan.injectedIndex });
  }
  await record.save();
  if (options.prepareOnly) return await record.finish("prepared", EXIT.ok);

  let started: Awaited<ReturnType<typeof startReadySession>>;
  try {
    started = await startReadySession(record, options.startupTimeout ?? 60);
  } catch (e) {
    if (!(e instanceof KernelSpawnError)) throw e;
    const failure = { kind: "kernel_died" as const, cellIndex: -1, summary: e.message };
    return await record.finish("kernel_died", EXIT.kernelDied, failure, e.message);
  }
  const { session, ready } = started;
  try {
    if (!ready.ok) {
      const failure = {
        kind: "kernel_died" as const,
        cellIndex: -1,
        summary: ready.why,
        details: session.kernel.tail(),
      };
      return await record.finish("kernel_died", EXIT.kernelDied, failure, ready.why);
    }
    const { status, exitCode, failure } = await runCells(session);
    // Outputs some kernels send after `idle` (Deno's) still belong to their cells: wait briefly.
    if (!session.kernel.exit) await new Promise((r) => setTimeout(r, 200));
    const message = failure
      ? failure.kind === "kernel_died" || /^cell \d/.test(failure.summary)
        ? failure.summary
        : `cell ${failure.cellIndex + 1}: ${failure.summary}`
      : undefined;
    await session.shutdown();
    return await record.finish(status, exitCode, failure, message);
  } finally {
    await session.shutdown().catch(() => {});
  }
}
