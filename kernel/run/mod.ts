/**
 * The headless notebook runner — papermill for TypeScript, with no Python: a Jupyter client over
 * ZeroMQ that starts any kernel from its kernelspec (or this checkout's seglab kernel), injects
 * parameters, executes the cells with per-cell timeouts, and always writes the executed notebook
 * (nbformat 4.5) with per-cell status and timing; plus a static HTML page of the result.
 *
 * @example
 * ```ts
 * import { runNotebook } from "seglab/kernel";
 * const r = await runNotebook("notebooks/lovasz_hinge_roads.ipynb", { parameters: { iters: 40 }, html: true });
 * if (r.exitCode !== 0) console.error(r.message);
 * ```
 * @module
 */
export {
  checkWritable,
  resolveKernelSpec,
  resolveOutputPath,
  RUNNER_VERSION,
  runNotebook,
} from "./run_notebook.ts";
export type { CellReport, RunOptions, RunResult } from "./run_notebook.ts";
export { EXIT, RunUsageError } from "./exit_codes.ts";
export type { ExitCode } from "./exit_codes.ts";
export type { CellStatus, RunEvent, RunLog } from "./events.ts";
export { stripAnsi, terminalLog } from "./terminal_log.ts";
export type { TerminalLogOptions } from "./terminal_log.ts";
export { escapeHtml, renderHtml } from "./html.ts";
export type { HtmlOptions } from "./html.ts";
export {
  cellSource,
  cellTags,
  joinMultiline,
  NBFORMAT_MINOR,
  newCellId,
  NotebookError,
  parseNotebook,
  readNotebook,
  serializeNotebook,
  splitLines,
} from "./notebook.ts";
export type {
  Cell,
  CodeCell,
  DisplayDataOutput,
  ErrorOutput,
  ExecuteResultOutput,
  MarkdownCell,
  MimeBundle,
  Notebook,
  Output,
  RawCell,
  StreamOutput,
} from "./notebook.ts";
export { collapseCarriageReturns, OutputBook } from "./outputs.ts";
export {
  findParametersCell,
  INJECTED_TAG,
  injectParameters,
  notebookParameters,
  ParameterError,
  PARAMETERS_TAG,
  parseParameterArg,
  readParamsFile,
} from "./parameters.ts";
export type { Injection } from "./parameters.ts";
export { PARAMETER_LANGUAGES, TranslatorError, translatorFor } from "./translators.ts";
export type { DeclaredParameter, ParamValue, Translator } from "./translators.ts";
export {
  findKernelSpec,
  jupyterDataDirs,
  KernelSpecError,
  listKernelSpecs,
  readKernelSpec,
} from "./kernelspec.ts";
export type { KernelSearchOptions, KernelSpec } from "./kernelspec.ts";
export { SEGLAB_KERNEL_NAME, seglabKernelMain, seglabKernelSpec } from "./seglab_kernelspec.ts";
export { KernelSpawnError, spawnKernel } from "./spawn_kernel.ts";
export type { KernelExit, KernelProcess, SpawnOptions } from "./spawn_kernel.ts";
export { KernelConnection, KernelConnectionError } from "./kernel_connection.ts";
export type { KernelConnectionOptions, RequestChannel } from "./kernel_connection.ts";
export { executeCell, interruptKernel } from "./execute_cell.ts";
export type { CellOutcome, ExecuteCellOptions } from "./execute_cell.ts";
export { addMarkers, ERROR_CELL_TAG, withoutMarkers } from "./markers.ts";
export type { Failure } from "./markers.ts";
export { nbMain, USAGE } from "./cli.ts";
// Recorded results and sweeps (runner/sweep/): readRecords, runSweep, gatherSweep, compareSweep.
export * from "../../runner/sweep/mod.ts";
