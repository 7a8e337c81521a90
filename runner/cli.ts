/**
 * The `nb` command line (`npm run nb -- …`): run notebooks headless, render them as HTML, list
 * a notebook's parameters or the installed kernels. {@linkcode nbMain} returns the exit code.
 * @module
 */
import * as path from "node:path";
import process from "node:process";
import { readFile } from "node:fs/promises";
import { writeFileAtomic } from "../lib/core/files.ts";
import { EXIT, RunUsageError } from "./exit_codes.ts";
import { renderHtml } from "./html.ts";
import { listKernelSpecs } from "./client/kernelspecs.ts";
import { NotebookError, parseNotebook } from "./notebook.ts";
import { notebookParameters, ParameterError, parseParameterArg, readParamsFile } from "./parameters.ts";
import { checkWritable, resolveKernelSpec } from "./prepare.ts";
import { runNotebook, type RunResult } from "./run_notebook.ts";
import { SEGLAB_KERNEL_NAME } from "./client/seglab_kernelspec.ts";
import { terminalLog } from "./terminal_log.ts";
import { type ParamValue, TranslatorError, translatorFor } from "./translators.ts";
import { cmdSweep, SWEEP_USAGE } from "./sweep/cli.ts";

/** The usage text. */
export const USAGE = `usage: npm run nb -- <command> …

  run <notebook.ipynb>… [options]   execute notebooks headless and write the executed copies
      --out <file|dir>       output notebook (one input) or folder (default: <name>.out.ipynb beside the input)
      -p, --param name=value a parameter, typed as YAML reads it (7 → number, abc → string, [1,2] → list)
      -r, --raw name=value   a parameter kept as a string
      --params-file <f>      parameters from a YAML or JSON mapping (-p/-r given after it win)
      --timeout <s>          per-cell timeout in seconds: the cell is interrupted (the kernel killed if that fails), exit 4
      --kernel <name>        kernelspec to use (default: the notebook's metadata.kernelspec.name; "seglab" = this checkout)
      --cwd <dir>            the kernel's working directory (default: the notebook's folder)
      --allow-errors         record cell errors and keep going (exit 0)
      --inplace              allow the output to overwrite the input notebook
      --html                 also write <output>.html (a static page with the figures)
      --prepare-only         write the parameterized notebook without running it
      --startup-timeout <s>  seconds to wait for the kernel to start (default 60)
      --interrupt-grace <s>  seconds an interrupted cell may take to stop before the kernel is killed (default 10)
      --quiet                log only cell progress, not the cells' outputs
  html <notebook.ipynb>… [--out <file|dir>] [--hide-inputs]
                             a static HTML page of executed notebooks (default: <name>.html beside each)
  params <notebook.ipynb> [--kernel <name>]
                             the notebook's parameters, their defaults and documentation
  kernels                    the kernelspecs the runner can start
${SWEEP_USAGE}

exit codes: 0 ok · 1 a cell raised · 2 bad usage, unreadable notebook, unknown kernel or unwritable output
            · 3 the kernel died · 4 a cell timed out · 130 stopped with Ctrl-C`;

/** Where the CLI writes (injectable for tests). */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const defaultIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function needValue(args: string[], i: number, flag: string): string {
  const v = args[i + 1];
  if (v === undefined || (v.startsWith("-") && v !== "-")) {
    throw new RunUsageError(`${flag} needs a value\n\n${USAGE}`);
  }
  return v;
}

function seconds(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    throw new RunUsageError(`${flag} ${JSON.stringify(v)}: expected a number of seconds`);
  }
  return n;
}

interface RunArgs {
  notebooks: string[];
  out?: string;
  params: Record<string, ParamValue>;
  timeout?: number;
  kernel?: string;
  cwd?: string;
  allowErrors: boolean;
  inplace: boolean;
  html: boolean;
  prepareOnly: boolean;
  startupTimeout?: number;
  interruptGrace?: number;
  quiet: boolean;
}

async function parseRunArgs(args: string[]): Promise<RunArgs> {
  const r: RunArgs = {
    notebooks: [],
    params: {},
    allowErrors: false,
    inplace: false,
    html: false,
    prepareOnly: false,
    quiet: false,
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const eq = a.startsWith("--") ? a.indexOf("=") : -1;
    const flag = eq > 0 ? a.slice(0, eq) : a;
    const value = () => (eq > 0 ? a.slice(eq + 1) : needValue(args, i++, flag));
    switch (flag) {
      case "--out":
      case "-o":
        r.out = value();
        break;
      case "-p":
      case "--param":
      case "--parameter": {
        const [k, v] = parseParameterArg(value());
        r.params[k] = v;
        break;
      }
      case "-r":
      case "--raw": {
        const [k, v] = parseParameterArg(value(), true);
        r.params[k] = v;
        break;
      }
      case "--params-file":
      case "-f":
        Object.assign(r.params, await readParamsFile(value()));
        break;
      case "--timeout":
        r.timeout = seconds(value(), flag);
        break;
      case "--startup-timeout":
        r.startupTimeout = seconds(value(), flag);
        break;
      case "--interrupt-grace":
        r.interruptGrace = seconds(value(), flag);
        break;
      case "--kernel":
      case "-k":
        r.kernel = value();
        break;
      case "--cwd":
        r.cwd = value();
        break;
      case "--allow-errors":
        r.allowErrors = true;
        break;
      case "--inplace":
        r.inplace = true;
        break;
      case "--html":
        r.html = true;
        break;
      case "--prepare-only":
        r.prepareOnly = true;
        break;
      case "--quiet":
      case "-q":
        r.quiet = true;
        break;
      default:
        if (a.startsWith("-") && a !== "-") throw new RunUsageError(`unknown option ${a}\n\n${USAGE}`);
        r.notebooks.push(a);
    }
  }
  if (r.notebooks.length === 0) throw new RunUsageError(`no notebook given\n\n${USAGE}`);
  return r;
}

async function outputsFor(notebooks: string[], out: string | undefined): Promise<(string | undefined)[]> {
  if (notebooks.length === 1 || !out) return notebooks.map(() => out);
  const { stat } = await import("node:fs/promises");
  const isDir = /[\\/]$/.test(out) || await stat(out).then((s) => s.isDirectory(), () => false);
  if (!isDir) {
    throw new RunUsageError(
      `--out ${out}: with ${notebooks.length} notebooks, --out must be a folder (end it with "/")`,
    );
  }
  const names = notebooks.map((n) => path.basename(n));
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup) throw new RunUsageError(`two notebooks are named ${dup}; run them with separate --out folders`);
  return notebooks.map((n) => path.join(out, path.basename(n)));
}

async function cmdRun(args: string[], io: CliIo): Promise<number> {
  const a = await parseRunArgs(args);
  const outs = await outputsFor(a.notebooks, a.out);
  const controller = new AbortController();
  let firstSigint = 0;
  const onSigint = () => {
    // A terminal's Ctrl-C reaches both the launcher (bin/seglab.mjs, which forwards it) and this
    // process: copies within 500 ms are one request.
    if (controller.signal.aborted && Date.now() - firstSigint < 500) return;
    if (controller.signal.aborted) process.exit(EXIT.aborted);
    firstSigint = Date.now();
    io.err("\nseglab nb: stopping (interrupting the running cell; Ctrl-C again to quit at once)\n");
    controller.abort();
  };
  const onSigterm = () => {
    io.err("\nseglab nb: terminated; stopping the running cell and writing the notebook\n");
    controller.abort();
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigterm);
  const results: { notebook: string; result?: RunResult; code: number; error?: string }[] = [];
  try {
    for (let i = 0; i < a.notebooks.length; i++) {
      const nb = a.notebooks[i];
      if (controller.signal.aborted) break;
      try {
        const result = await runNotebook(nb, {
          out: outs[i],
          parameters: a.params,
          timeout: a.timeout,
          kernel: a.kernel,
          cwd: a.cwd,
          allowErrors: a.allowErrors,
          inplace: a.inplace,
          html: a.html,
          prepareOnly: a.prepareOnly,
          startupTimeout: a.startupTimeout,
          interruptGrace: a.interruptGrace,
          signal: controller.signal,
          log: terminalLog({ outputs: !a.quiet, write: io.err }),
        });
        results.push({ notebook: nb, result, code: result.exitCode });
        const rel = (p: string) => {
          const r = path.relative(process.cwd(), p);
          return r && !r.startsWith("..") ? r : p;
        };
        io.out(
          `${result.exitCode === 0 ? "ok" : `FAILED (exit ${result.exitCode})`}  ${nb}\n` +
            `    executed notebook: ${rel(result.output)}\n` +
            (result.html ? `    HTML page:         ${rel(result.html)}\n` : ""),
        );
      } catch (e) {
        if (!(e instanceof RunUsageError)) throw e;
        io.err(`seglab nb: ${e.message}\n`);
        results.push({ notebook: nb, code: EXIT.usage, error: e.message });
      }
    }
  } finally {
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigterm);
  }
  if (results.length > 1) {
    io.err(`\nseglab nb: ${results.filter((r) => r.code === 0).length} of ${results.length} notebooks ok\n`);
    for (const r of results) {
      io.err(
        `  ${r.code === 0 ? "ok  " : `exit ${r.code}`}  ${r.notebook}${
          r.result?.message ? `  ${r.result.message.split("\n")[0]}` : ""
        }\n`,
      );
    }
  }
  return results.find((r) => r.code !== 0)?.code ?? (controller.signal.aborted ? EXIT.aborted : EXIT.ok);
}

async function cmdHtml(args: string[], io: CliIo): Promise<number> {
  let out: string | undefined;
  let hideInputs = false;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--out" || a === "-o") out = needValue(args, i++, a);
    else if (a.startsWith("--out=")) out = a.slice(6);
    else if (a === "--hide-inputs") hideInputs = true;
    else if (a.startsWith("-")) throw new RunUsageError(`unknown option ${a}\n\n${USAGE}`);
    else files.push(a);
  }
  if (files.length === 0) throw new RunUsageError(`no notebook given\n\n${USAGE}`);
  const { stat } = await import("node:fs/promises");
  const outIsDir = out !== undefined &&
    (/[\\/]$/.test(out) || files.length > 1 || await stat(out).then((s) => s.isDirectory(), () => false));
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(f, "utf8");
    } catch (e) {
      throw new RunUsageError(
        `cannot read ${f}: ${
          (e as { code?: string }).code === "ENOENT" ? "no such file" : (e as Error).message
        }`,
      );
    }
    let nb;
    try {
      nb = parseNotebook(text, f);
    } catch (e) {
      if (e instanceof NotebookError) throw new RunUsageError(e.message);
      throw e;
    }
    const base = path.basename(f).replace(/\.ipynb$/i, "") + ".html";
    const target = out === undefined
      ? path.join(path.dirname(f), base)
      : outIsDir
      ? path.join(out, base)
      : out;
    await checkWritable(path.resolve(target), "the HTML path");
    await writeFileAtomic(target, renderHtml(nb, { hideInputs, defaultTitle: path.basename(f) }));
    io.out(`${target}\n`);
  }
  return EXIT.ok;
}

async function cmdParams(args: string[], io: CliIo): Promise<number> {
  let kernel: string | undefined;
  const files: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--kernel" || a === "-k") kernel = needValue(args, i++, a);
    else if (a.startsWith("-")) throw new RunUsageError(`unknown option ${a}\n\n${USAGE}`);
    else files.push(a);
  }
  if (files.length !== 1) throw new RunUsageError(`give one notebook\n\n${USAGE}`);
  let nb;
  try {
    nb = parseNotebook(
      await readFile(files[0], "utf8").catch((e) => {
        throw new NotebookError(`cannot read ${files[0]}: ${(e as Error).message}`);
      }),
      files[0],
    );
  } catch (e) {
    if (e instanceof NotebookError) throw new RunUsageError(e.message);
    throw e;
  }
  const name = kernel ?? nb.metadata.kernelspec?.name;
  const language = name ? (await resolveKernelSpec(name)).language : nb.metadata.language_info?.name ?? "";
  let translator;
  try {
    translator = translatorFor(language || nb.metadata.kernelspec?.language || "");
  } catch (e) {
    if (e instanceof TranslatorError) throw new RunUsageError(e.message);
    throw e;
  }
  const params = notebookParameters(nb, translator);
  if (params.length === 0) {
    io.out(`${files[0]} has no cell tagged "parameters"\n`);
    return EXIT.ok;
  }
  const w = Math.max(...params.map((p) => p.name.length));
  io.out(`parameters of ${files[0]} (override with -p name=value):\n`);
  for (const p of params) {
    const type = p.type ??
      (p.value === undefined
        ? ""
        : Array.isArray(p.value)
        ? "list"
        : p.value === null
        ? "null"
        : typeof p.value);
    io.out(
      `  ${p.name.padEnd(w)}  ${p.source || "(no default)"}${type ? `  [${type}]` : ""}${
        p.comment ? `  — ${p.comment}` : ""
      }\n`,
    );
  }
  return EXIT.ok;
}

async function cmdKernels(io: CliIo): Promise<number> {
  io.out(`  ${SEGLAB_KERNEL_NAME.padEnd(16)} seglab (TypeScript), this checkout's kernel (built in)\n`);
  for (const k of await listKernelSpecs()) {
    if (k.name === SEGLAB_KERNEL_NAME) continue;
    io.out(
      `  ${k.name.padEnd(16)} ${k.display_name} [${
        k.language || "?"
      }; interrupt by ${k.interrupt_mode}] ${k.dir}\n`,
    );
  }
  return EXIT.ok;
}

/** Runs the `nb` command line; returns the exit code. */
export async function nbMain(args: string[], io: CliIo = defaultIo): Promise<number> {
  const [cmd, ...rest] = args;
  try {
    switch (cmd) {
      case "run":
        return await cmdRun(rest, io);
      case "html":
        return await cmdHtml(rest, io);
      case "params":
        return await cmdParams(rest, io);
      case "kernels":
        return await cmdKernels(io);
      case "sweep":
        return await cmdSweep(rest, io);
      case "-h":
      case "--help":
      case "help":
        io.out(USAGE + "\n");
        return EXIT.ok;
      case undefined:
        io.err(USAGE + "\n");
        return EXIT.usage;
      default:
        if (cmd.endsWith(".ipynb")) return await cmdRun(args, io); // `nb x.ipynb` = `nb run x.ipynb`
        throw new RunUsageError(`unknown command "${cmd}"\n\n${USAGE}`);
    }
  } catch (e) {
    if (e instanceof RunUsageError || e instanceof ParameterError) {
      io.err(`seglab nb: ${e.message}\n`);
      return EXIT.usage;
    }
    throw e;
  }
}
