/**
 * `seglab/runner`: the headless notebook runner — papermill for TypeScript, with no Python. A
 * Jupyter client over ZeroMQ that starts any kernel from its kernelspec (or this checkout's seglab
 * kernel), injects parameters after the cell tagged `parameters`, executes the cells with
 * per-cell timeouts, and always writes the executed notebook (nbformat 4.5) with per-cell status
 * and timing; optionally a static HTML page of the result. From the shell:
 * `npm run nb -- run notebooks/x.ipynb -p iters=40 --html` (`runner/main.ts`).
 *
 * Run a notebook and render another page from its output:
 *
 * ```ts
 * import { readNotebook, renderHtml, runNotebook } from "seglab/runner";
 * const r = await runNotebook("notebooks/lovasz_hinge_roads.ipynb", {
 *   out: "out/roads/",
 *   parameters: { iters: 40 },
 *   timeout: 600,
 * });
 * if (r.exitCode !== 0) console.error(r.message);
 * const page = renderHtml(await readNotebook(r.output), { hideInputs: true });
 * await Deno.writeTextFile("out/roads/report.html", page);
 * ```
 *
 * Drive a kernel directly (the client the runner, the benchmarks and the tests share):
 *
 * ```ts
 * import { launchKernel, seglabKernelSpec } from "seglab/runner";
 * const k = await launchKernel(seglabKernelSpec(), { cwd: "." });
 * const { reply, outputs } = await k.execute("6 * 7", { timeoutMs: 30_000 });
 * console.log(reply.content.status, outputs.length);
 * await k.stop();
 * ```
 * @module
 */
export { runNotebook } from "./run_notebook.ts";
export type { CellReport, RunOptions, RunResult } from "./run_notebook.ts";
export { EXIT, RunUsageError } from "./exit_codes.ts";
export type { ExitCode } from "./exit_codes.ts";
export type { CellStatus, RunEvent, RunLog } from "./events.ts";
export { terminalLog } from "./terminal_log.ts";
export type { TerminalLogOptions } from "./terminal_log.ts";
export { renderHtml } from "./html.ts";
export type { HtmlOptions } from "./html.ts";
export { NotebookError, parseNotebook, readNotebook, serializeNotebook } from "./notebook.ts";
export type { Cell, CodeCell, MarkdownCell, Notebook, Output, RawCell } from "./notebook.ts";
export { ParameterError } from "./parameters.ts";
export type { ParamValue } from "./translators.ts";
export { launchKernel } from "./client/launch.ts";
export type { Exchange, LaunchedKernel, LaunchOptions } from "./client/launch.ts";
export { KernelConnection, KernelConnectionError } from "./client/connection.ts";
export { KernelSpawnError, spawnKernel } from "./client/spawn.ts";
export type { KernelExit, KernelProcess, SpawnOptions } from "./client/spawn.ts";
export { findKernelSpec, KernelSpecError, listKernelSpecs, readKernelSpec } from "./client/kernelspecs.ts";
export type { KernelSearchOptions, KernelSpec } from "./client/kernelspecs.ts";
export { seglabKernelSpec } from "./client/seglab_kernelspec.ts";
export { nbMain } from "./cli.ts";
// Recorded results and sweeps: readRecords, runSweep, gatherSweep, compareSweep (runner/sweep/).
export * from "./sweep/mod.ts";
