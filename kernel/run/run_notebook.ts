/**
 * `runNotebook(path, options)`: executes a notebook headless on a Jupyter kernel and writes the
 * executed copy — papermill's job, for any kernel, with no Python.
 *
 * - Checks everything it can before a kernel starts (the notebook, the kernelspec, the
 *   parameters, the output path) and throws {@linkcode RunUsageError} (exit code 2) on bad input.
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
 * import { runNotebook } from "seglab/kernel";
 * const r = await runNotebook("notebooks/lovasz_hinge_roads.ipynb", {
 *   out: "build/roads.ipynb",
 *   parameters: { iters: 40 },
 *   timeout: 600,
 * });
 * console.log(r.exitCode, r.output, r.cells.filter((c) => c.status === "failed"));
 * ```
 * @module
 */
import { describeKernelExit, type ProcessExit } from "./kernel_exit.ts";
import { access, constants, mkdir, open, rm, stat } from "node:fs/promises";
import * as path from "node:path";
import process from "node:process";
import { writeFileAtomic } from "../../lib/runtime/files.ts";
import { type Message, parentId } from "../protocol/message.ts";
import type { CellStatus, RunLog } from "./events.ts";
import { type CellOutcome, executeCell } from "./execute_cell.ts";
import { EXIT, type ExitCode, RunUsageError } from "./exit_codes.ts";
import { KernelConnection } from "./kernel_connection.ts";
import { findKernelSpec, type KernelSearchOptions, type KernelSpec, listKernelSpecs } from "./kernelspec.ts";
import { addMarkers, type Failure, withoutMarkers } from "./markers.ts";
import {
  cellSource,
  cellTags,
  type CodeCell,
  type ErrorOutput,
  type Notebook,
  NotebookError,
  readNotebook,
  serializeNotebook,
} from "./notebook.ts";
import { OutputBook } from "./outputs.ts";
import { injectParameters, ParameterError } from "./parameters.ts";
import { SEGLAB_KERNEL_NAME, seglabKernelSpec } from "./seglab_kernelspec.ts";
import { type KernelProcess, KernelSpawnError, spawnKernel } from "./spawn_kernel.ts";
import { type ParamValue, TranslatorError, translatorFor } from "./translators.ts";
import { terminalLog } from "./terminal_log.ts";
import { renderHtml } from "./html.ts";

/** The runner's version, recorded in `metadata.seglab.version`. */
export const RUNNER_VERSION = "0.1.0";

/** Options of {@linkcode runNotebook}. */
export interface RunOptions {
  /** Output notebook path, or a folder (existing, or ending in "/"). Default `<name>.out.ipynb` beside the input. */
  out?: string;
  /** Allow the output to be the input file itself. */
  inplace?: boolean;
  /** Parameter values (typed: numbers, strings, booleans, lists, mappings). */
  parameters?: Record<string, ParamValue>;
  /** Per-cell timeout in seconds (0 or undefined: none). A cell tag `timeout=N` overrides it. */
  timeout?: number;
  /** Kernelspec name; default the notebook's `metadata.kernelspec.name`. "seglab" is this checkout's kernel. */
  kernel?: string;
  /** The kernel's working directory; default the notebook's folder. Relative paths are from `process.cwd()`. */
  cwd?: string;
  /** Record cell errors and keep going; the run then exits 0. */
  allowErrors?: boolean;
  /** Seconds to wait for the kernel to start (default 60). */
  startupTimeout?: number;
  /** Seconds an interrupted cell may take to stop before the kernel is killed (default 10). */
  interruptGrace?: number;
  /** Where events go: a callback, or false for none. Default: the terminal log on stderr. */
  log?: RunLog | false;
  /** The kernel's environment (default: this process's). */
  env?: Record<string, string | undefined>;
  /** Where kernelspecs are looked up (default: Jupyter's search path). */
  kernelSearch?: KernelSearchOptions;
  /** Stops the run: the running cell is interrupted, the notebook written, exit code 130. */
  signal?: AbortSignal;
  /** Also write a static HTML page: a path, or true for `<output>.html`. */
  html?: string | boolean;
  /** Write the parameterized notebook without executing it. */
  prepareOnly?: boolean;
  /** Seconds between autosaves while running (default 10). */
  autosaveSeconds?: number;
}

/** A code cell's result. */
export interface CellReport {
  /** Index in the output notebook's cells. */
  index: number;
  id: string;
  status: CellStatus;
  /** Seconds, or undefined for cells that did not run. */
  duration?: number;
  executionCount: number | null;
  error?: { ename: string; evalue: string };
}

/** What {@linkcode runNotebook} returns. */
export interface RunResult {
  input: string;
  output: string;
  html?: string;
  exitCode: ExitCode;
  status: "completed" | "failed" | "timed_out" | "kernel_died" | "aborted" | "prepared";
  /** A one-line explanation when not completed. */
  message?: string;
  kernel: { name: string; display_name: string; language: string; implementation?: string };
  cells: CellReport[];
  warnings: string[];
  /** Seconds, start to end. */
  duration: number;
  notebook: Notebook;
}

const iso = () => new Date().toISOString();

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Resolves the output path (file or folder form) for `input`. */
export async function resolveOutputPath(input: string, out?: string): Promise<string> {
  const base = path.basename(input).replace(/\.ipynb$/i, "");
  if (!out) return path.join(path.dirname(input), `${base}.out.ipynb`);
  const abs = path.resolve(out);
  if (/[\\/]$/.test(out) || await isDirectory(abs)) return path.join(abs, `${base}.ipynb`);
  return abs;
}

/** Checks that `file` can be written (creating its folder); throws RunUsageError otherwise. */
export async function checkWritable(file: string, what = "the output path"): Promise<void> {
  if (await isDirectory(file)) throw new RunUsageError(`${what} ${file} is a directory; give a file name`);
  const dir = path.dirname(file);
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new RunUsageError(
      `${what} ${file} cannot be written: cannot create ${dir} (${
        (e as { code?: string }).code ?? (e as Error).message
      })`,
    );
  }
  try {
    await access(file, constants.F_OK);
    try {
      await access(file, constants.W_OK);
    } catch {
      throw new RunUsageError(`${what} ${file} cannot be written: the file is read-only`);
    }
  } catch (e) {
    if (e instanceof RunUsageError) throw e;
  }
  const probe = path.join(dir, `.seglab-nb-probe-${process.pid}-${Date.now()}`);
  try {
    const h = await open(probe, "w");
    await h.close();
    await rm(probe, { force: true });
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new RunUsageError(
      `${what} ${file} cannot be written: ${
        code === "EACCES" || code === "EPERM"
          ? "permission denied in"
          : code === "EROFS"
          ? "read-only file system at"
          : `${code ?? (e as Error).message} in`
      } ${dir}`,
    );
  }
}

/** Finds the kernelspec for `name`, or throws RunUsageError listing the installed ones. */
export async function resolveKernelSpec(name: string, search?: KernelSearchOptions): Promise<KernelSpec> {
  if (name.toLowerCase() === SEGLAB_KERNEL_NAME) {
    try {
      return seglabKernelSpec();
    } catch (e) {
      throw new RunUsageError((e as Error).message);
    }
  }
  const spec = await findKernelSpec(name, search);
  if (spec) return spec;
  const installed = await listKernelSpecs(search);
  const names = [
    `${SEGLAB_KERNEL_NAME} (this checkout's kernel, always available)`,
    ...installed.filter((k) => k.name !== SEGLAB_KERNEL_NAME).map((k) =>
      `${k.name} (${k.display_name}; ${k.dir})`
    ),
  ];
  throw new RunUsageError(
    `no kernelspec named "${name}". Installed kernels:\n  ${names.join("\n  ")}\n` +
      `Pick one with --kernel <name>, or install the kernel (\`jupyter kernelspec list\` shows the same list).`,
  );
}

function tagTimeout(tags: string[]): number | undefined {
  for (const t of tags) {
    const m = /^timeout=(\d+(?:\.\d+)?)$/.exec(t);
    if (m) return Number(m[1]);
  }
  return undefined;
}

function codeCellsOf(nb: Notebook): number[] {
  return nb.cells.flatMap((c, i) => (c.cell_type === "code" ? [i] : []));
}

function seglabMeta(cell: CodeCell): Record<string, unknown> {
  const m = (cell.metadata.seglab ?? {}) as Record<string, unknown>;
  cell.metadata.seglab = m;
  return m;
}

/** How the kernel ended, out-of-memory deaths named as such (its last output tells). */
function describeExit(e: ProcessExit, tail?: string): string {
  return describeKernelExit(e, tail);
}

/**
 * Runs a notebook; see the module documentation.
 * @throws {RunUsageError} for bad input found before the kernel starts (exit code 2).
 */
export async function runNotebook(input: string, options: RunOptions = {}): Promise<RunResult> {
  const t0 = performance.now();
  const log: RunLog = options.log === false ? () => {} : options.log ?? terminalLog();
  const inputPath = path.resolve(input);
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    log({ type: "warning", message });
  };

  // ---- Everything that can be checked before a kernel starts (exit 2). ----
  let nb: Notebook;
  try {
    nb = await readNotebook(inputPath);
  } catch (e) {
    if (e instanceof NotebookError) throw new RunUsageError(e.message.replace(inputPath, input));
    throw e;
  }
  const kernelName = options.kernel ?? nb.metadata.kernelspec?.name;
  if (!kernelName) {
    throw new RunUsageError(
      `${input} names no kernel (metadata.kernelspec.name is missing); pass --kernel <name>`,
    );
  }
  const spec = await resolveKernelSpec(kernelName, options.kernelSearch);
  const language = spec.language || nb.metadata.kernelspec?.language || nb.metadata.language_info?.name || "";
  const params = options.parameters ?? {};
  nb = withoutMarkers(nb);
  let injectedIndex: number | undefined;
  try {
    const translator = Object.keys(params).length ? translatorFor(language) : undefined;
    if (translator) {
      const inj = injectParameters(nb, params, translator, {
        header: `Parameters injected by seglab nb ${RUNNER_VERSION}`,
      });
      for (const w of inj.warnings) warn(w);
      nb = inj.notebook;
      injectedIndex = inj.injectedIndex;
    } else {
      nb = injectParameters(nb, {}, translatorFor("typescript")).notebook; // drops a stale injected cell
    }
  } catch (e) {
    if (e instanceof TranslatorError || e instanceof ParameterError) throw new RunUsageError(e.message);
    throw e;
  }
  const output = await resolveOutputPath(inputPath, options.out);
  if (path.resolve(output) === inputPath && !options.inplace) {
    throw new RunUsageError(
      `the output ${output} is the input notebook; pass --inplace to overwrite it, or --out <another path>`,
    );
  }
  await checkWritable(output);
  const htmlPath = options.html === true
    ? output.replace(/\.ipynb$/i, "") + ".html"
    : typeof options.html === "string"
    ? path.resolve(options.html)
    : undefined;
  if (htmlPath) await checkWritable(htmlPath, "the HTML path");
  const cwd = path.resolve(options.cwd ?? path.dirname(inputPath));
  if (!(await isDirectory(cwd))) throw new RunUsageError(`the working directory ${cwd} does not exist`);

  // ---- Prepare the output notebook. ----
  const startTime = iso();
  nb.metadata.kernelspec = { name: spec.name, display_name: spec.display_name, language };
  const runMeta: Record<string, unknown> = {
    version: RUNNER_VERSION,
    input_path: input,
    output_path: path.relative(process.cwd(), output) || output,
    parameters: params,
    kernel: spec.name,
    cwd,
    start_time: startTime,
    status: "running",
  };
  nb.metadata.seglab = runMeta;
  const codeCells = codeCellsOf(nb);
  for (const i of codeCells) {
    const c = nb.cells[i] as CodeCell;
    c.outputs = [];
    c.execution_count = null;
    delete c.metadata.execution;
    c.metadata.seglab = { status: "pending" };
  }
  const reports = new Map<number, CellReport>();
  for (const i of codeCells) {
    const c = nb.cells[i] as CodeCell;
    reports.set(i, { index: i, id: c.id, status: "pending", executionCount: null });
  }
  const kernelInfo: RunResult["kernel"] = { name: spec.name, display_name: spec.display_name, language };

  log({ type: "start", input, output, kernel: spec.name, cwd, cells: codeCells.length });
  if (injectedIndex !== undefined) log({ type: "parameters", values: params, injectedAfter: injectedIndex });

  let lastSave = 0;
  let saving: Promise<void> = Promise.resolve();
  // Saves are chained, so an autosave never races the final write.
  const save = (final: Notebook): Promise<void> => {
    lastSave = performance.now();
    const text = serializeNotebook(final);
    saving = saving.catch(() => {}).then(() => writeFileAtomic(output, text)).then(() =>
      log({ type: "saved", path: output })
    );
    return saving;
  };
  /** Autosave while cells run (also in the middle of a long cell, when it produces output). */
  const autosave = () => {
    if (performance.now() - lastSave > (options.autosaveSeconds ?? 10) * 1000) {
      save(nb).catch((e) => warn(`autosave of ${output} failed: ${(e as Error).message}`));
    }
  };
  const finish = async (
    status: RunResult["status"],
    exitCode: ExitCode,
    failure?: Failure,
    message?: string,
  ): Promise<RunResult> => {
    const end = iso();
    runMeta.end_time = end;
    runMeta.duration = Number(((performance.now() - t0) / 1000).toFixed(3));
    runMeta.status = status;
    runMeta.exception = status !== "completed" && status !== "prepared";
    if (message) runMeta.message = message;
    const final = failure ? addMarkers(nb, failure) : nb;
    await save(final);
    let html: string | undefined;
    if (htmlPath) {
      await writeFileAtomic(htmlPath, renderHtml(final, { defaultTitle: path.basename(input) }));
      html = htmlPath;
    }
    const seconds = (performance.now() - t0) / 1000;
    log({ type: "end", exitCode, status, seconds, output, message });
    // Report indices into the notebook as written: the banner goes first, the anchor before the failing cell.
    const moved = (i: number) =>
      !failure ? i : i + 1 + (failure.cellIndex >= 0 && i >= failure.cellIndex ? 1 : 0);
    const cells = [...reports.values()].map((r) => ({ ...r, index: moved(r.index) }));
    return {
      input,
      output,
      html,
      exitCode,
      status,
      message,
      kernel: kernelInfo,
      cells,
      warnings,
      duration: seconds,
      notebook: final,
    };
  };

  await save(nb);
  if (options.prepareOnly) return await finish("prepared", EXIT.ok);

  // ---- Start the kernel. ----
  let kernel: KernelProcess;
  try {
    kernel = await spawnKernel(spec, {
      cwd,
      env: options.env,
      onOutput: (text, stream) => log({ type: "kernel-output", text, stream }),
    });
  } catch (e) {
    if (e instanceof KernelSpawnError) {
      const msg = e.message;
      return await finish("kernel_died", EXIT.kernelDied, {
        kind: "kernel_died",
        cellIndex: -1,
        summary: msg,
      }, msg);
    }
    throw e;
  }
  // If this process ends without shutting the kernel down (an uncaught error, process.exit), the
  // kernel — in its own process group — must not outlive it.
  const killOnExit = () => kernel.signal("SIGKILL");
  process.on("exit", killOnExit);
  const conn = new KernelConnection(kernel.connection, {
    onRefused: (ch, reason) => warn(`ignored a message on ${ch}: ${reason}`),
  });
  const book = new OutputBook();
  const owner = new Map<string, number>(); // execute_request msg_id → cell index
  const idleWaiters = new Map<string, () => void>();
  const timing = new Map<number, Record<string, string>>();
  let current = -1;
  const offIopub = conn.onIopub((m: Message) => {
    const pid = parentId(m);
    if (!pid) return;
    const t = m.header.msg_type;
    if (t === "status") {
      const state = m.content.execution_state;
      const idx = owner.get(pid);
      if (idx !== undefined) {
        const tm = timing.get(idx)!;
        if (state === "busy") tm["iopub.status.busy"] ??= String(m.header.date);
        if (state === "idle") tm["iopub.status.idle"] = String(m.header.date);
      }
      if (state === "idle") idleWaiters.get(pid)?.();
      return;
    }
    const idx = owner.get(pid);
    if (idx === undefined) return;
    const cell = nb.cells[idx] as CodeCell;
    if (t === "execute_input") {
      timing.get(idx)!["iopub.execute_input"] = String(m.header.date);
      if (typeof m.content.execution_count === "number") cell.execution_count = m.content.execution_count;
      return;
    }
    const applied = book.apply(cell.outputs, t, m.content);
    if (applied.output || applied.updated || applied.cleared) {
      log({ type: "output", index: idx, msgType: t, content: m.content, late: idx !== current });
      autosave();
    }
  });
  const offStdin = conn.onStdin((m) => {
    // allow_stdin is false, but a kernel may still ask: answer empty rather than hang.
    if (m.header.msg_type === "input_request") conn.send("stdin", "input_reply", { value: "" }, m);
  });

  let shutDown = false;
  const shutdown = async () => {
    if (shutDown) return;
    shutDown = true;
    offIopub();
    offStdin();
    if (!kernel.exit) {
      try {
        const req = conn.send("control", "shutdown_request", { restart: false });
        await Promise.race([conn.reply(req, 2000).catch(() => {}), kernel.exited]);
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([kernel.exited, new Promise((r) => timer = setTimeout(r, 2000))]);
        clearTimeout(timer);
      } catch { /* killed below */ }
    }
    await conn.close();
    await kernel.kill(2000);
    process.off("exit", killOnExit);
  };

  try {
    const readyT0 = performance.now();
    let info: Message;
    try {
      info = await conn.waitForReady({
        timeoutMs: (options.startupTimeout ?? 60) * 1000,
        alive: () => !kernel.exit,
      });
    } catch (e) {
      await new Promise((r) => setTimeout(r, 100));
      const why = kernel.exit
        ? `the kernel "${spec.name}" exited while starting (${describeExit(kernel.exit, kernel.tail())})`
        : `the kernel "${spec.name}" did not start: ${(e as Error).message}`;
      return await finish("kernel_died", EXIT.kernelDied, {
        kind: "kernel_died",
        cellIndex: -1,
        summary: why,
        details: kernel.tail(),
      }, why);
    }
    const li = info.content.language_info as Notebook["metadata"]["language_info"] | undefined;
    if (li && typeof li.name === "string") nb.metadata.language_info = li;
    kernelInfo.implementation = String(info.content.implementation ?? "");
    runMeta.kernel_implementation = kernelInfo.implementation;
    log({
      type: "kernel-ready",
      name: spec.name,
      implementation: kernelInfo.implementation,
      seconds: (performance.now() - readyT0) / 1000,
    });

    let ordinal = 0;
    let failure: Failure | undefined;
    let endStatus: RunResult["status"] = "completed";
    let exitCode: ExitCode = EXIT.ok;
    for (const idx of codeCells) {
      ordinal++;
      const cell = nb.cells[idx] as CodeCell;
      const meta = seglabMeta(cell);
      const report = reports.get(idx)!;
      const tags = cellTags(cell);
      const code = cellSource(cell);
      if (tags.includes("skip-execution") || code.trim() === "") {
        meta.status = report.status = "skipped";
        continue;
      }
      current = idx;
      const start = iso();
      const c0 = performance.now();
      meta.status = report.status = "running";
      meta.start_time = start;
      timing.set(idx, {});
      log({ type: "cell-start", index: idx, ordinal, total: codeCells.length, cell });
      const timeoutS = tagTimeout(tags) ?? options.timeout;
      let requestId = "";
      const outcome: CellOutcome = await executeCell(conn, kernel, code, {
        timeoutMs: timeoutS ? timeoutS * 1000 : undefined,
        interruptGraceMs: (options.interruptGrace ?? 10) * 1000,
        signal: options.signal,
        onSent: (req) => {
          requestId = req.header.msg_id;
          owner.set(requestId, idx);
        },
        idle: (req) => new Promise<void>((resolve) => idleWaiters.set(req.header.msg_id, resolve)),
      });
      idleWaiters.delete(requestId);
      const seconds = (performance.now() - c0) / 1000;
      meta.end_time = iso();
      meta.duration = Number(seconds.toFixed(3));
      const tm = timing.get(idx)!;
      const reply = "reply" in outcome ? outcome.reply : undefined;
      if (reply) {
        tm["shell.execute_reply"] = String(reply.header.date);
        if (typeof reply.content.execution_count === "number") {
          cell.execution_count = reply.content.execution_count;
        }
      }
      if (Object.keys(tm).length) cell.metadata.execution = tm;
      report.executionCount = cell.execution_count;
      report.duration = meta.duration as number;

      const errorOutput = () => cell.outputs.find((o): o is ErrorOutput => o.output_type === "error");
      const addError = (ename: string, evalue: string, traceback: string[] = []) => {
        const out: ErrorOutput = {
          output_type: "error",
          ename,
          evalue,
          traceback: traceback.length ? traceback : [`${ename}: ${evalue}`],
        };
        cell.outputs.push(out);
        log({ type: "output", index: idx, msgType: "error", content: { ...out }, late: false });
        return out;
      };
      let status: CellStatus = "completed";
      let note: string | undefined;
      if (outcome.kind === "error") {
        status = "failed";
        if (!errorOutput()) {
          const rc = outcome.reply.content;
          if (rc.status === "error") {
            addError(
              String(rc.ename ?? "Error"),
              String(rc.evalue ?? ""),
              Array.isArray(rc.traceback) ? rc.traceback.map(String) : [],
            );
          } else {
            addError("CellAborted", `the kernel answered "${String(rc.status)}" and did not run this cell`);
          }
        }
      } else if (outcome.kind === "timeout" || outcome.kind === "aborted") {
        status = outcome.kind === "timeout" ? "timed_out" : "failed";
        const ie = outcome.kind === "timeout" ? outcome.interruptError : undefined;
        const how = outcome.killed
          ? `the interrupt did not stop it within ${options.interruptGrace ?? 10} s${
            ie
              ? (/^no interrupt_reply/.test(ie)
                ? " (the kernel did not answer the interrupt request)"
                : ` (${ie})`)
              : ""
          }, so the kernel was killed`
          : "the kernel was interrupted";
        note = outcome.kind === "timeout"
          ? `timed out after ${timeoutS} s; ${how}`
          : `stopped by the user; ${how}`;
        addError(
          outcome.kind === "timeout" ? "CellTimeoutError" : "RunAborted",
          outcome.kind === "timeout"
            ? `cell ${idx + 1} did not finish within its ${timeoutS} s timeout; ${how}`
            : `the run was stopped by the user during cell ${idx + 1}; ${how}`,
        );
      } else if (outcome.kind === "died") {
        status = "failed";
        note = `the kernel died (${describeExit(outcome.exit, kernel.tail())})`;
        addError(
          "DeadKernelError",
          `the kernel died while running cell ${idx + 1} (${describeExit(outcome.exit, kernel.tail())})`,
        );
      }
      const err = errorOutput();
      const expected = tags.includes("raises-exception");
      if (status === "completed" && err && !expected && outcome.kind === "ok") {
        // Some kernels (tslab) report errors only as outputs; an error output is an error.
        status = "failed";
      }
      if (expected && status === "failed" && outcome.kind === "error") status = "completed";
      meta.status = report.status = status;
      meta.exception = status === "failed" || status === "timed_out";
      if (err && (status !== "completed" || expected)) {
        report.error = { ename: err.ename, evalue: err.evalue };
      }
      log({
        type: "cell-end",
        index: idx,
        status,
        seconds,
        executionCount: cell.execution_count,
        error: report.error,
        note,
      });

      const summary = outcome.kind === "timeout" || outcome.kind === "aborted"
        ? `cell ${idx + 1} ${note}`
        : err
        ? `${err.ename}: ${err.evalue}`
        : note ?? "";
      if (outcome.kind === "died") {
        endStatus = "kernel_died";
        exitCode = EXIT.kernelDied;
        failure = {
          kind: "kernel_died",
          cellIndex: idx,
          executionCount: cell.execution_count,
          summary: `The kernel died while running this cell (${
            describeExit(outcome.exit, kernel.tail())
          }); the cells after it did not run.`,
          details: kernel.tail(),
        };
        break;
      }
      if (outcome.kind === "aborted") {
        endStatus = "aborted";
        exitCode = EXIT.aborted;
        failure = { kind: "aborted", cellIndex: idx, executionCount: cell.execution_count, summary };
        break;
      }
      if (outcome.kind === "timeout") {
        endStatus = "timed_out";
        exitCode = EXIT.timeout;
        failure ??= { kind: "timeout", cellIndex: idx, executionCount: cell.execution_count, summary };
        if (outcome.killed || !options.allowErrors) break;
        continue;
      }
      if (status === "failed") {
        if (options.allowErrors) continue;
        endStatus = "failed";
        exitCode = EXIT.cellError;
        failure = { kind: "error", cellIndex: idx, executionCount: cell.execution_count, summary };
        break;
      }
      autosave();
    }
    current = -1;
    // Outputs some kernels send after `idle` (Deno's) still belong to their cells: wait briefly.
    if (!kernel.exit) await new Promise((r) => setTimeout(r, 200));
    const message = failure
      ? failure.kind === "kernel_died" || /^cell \d/.test(failure.summary)
        ? failure.summary
        : `cell ${failure.cellIndex + 1}: ${failure.summary}`
      : undefined;
    await shutdown();
    return await finish(endStatus, exitCode, failure, message);
  } finally {
    await shutdown().catch(() => {});
  }
}
