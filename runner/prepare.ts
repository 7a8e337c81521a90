/**
 * The first phase of a run: everything that can be checked before a kernel starts — the
 * notebook, the kernelspec, the parameters (injected here), the output and HTML paths, the working
 * directory. Bad input throws {@linkcode RunUsageError} (exit code 2) with a one-line fix.
 * @module
 */
import { access, constants, mkdir, open, rm, stat } from "node:fs/promises";
import * as path from "node:path";
import process from "node:process";
import { RunUsageError } from "./exit_codes.ts";
import {
  findKernelSpec,
  type KernelSearchOptions,
  type KernelSpec,
  listKernelSpecs,
} from "./client/kernelspecs.ts";
import { withoutMarkers } from "./markers.ts";
import { type Notebook, NotebookError, readNotebook } from "./notebook.ts";
import { injectParameters, ParameterError } from "./parameters.ts";
import { SEGLAB_KERNEL_NAME, seglabKernelSpec } from "./client/seglab_kernelspec.ts";
import { type ParamValue, TranslatorError, translatorFor } from "./translators.ts";
import { RUNNER_VERSION, type RunOptions } from "./run_types.ts";

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

/** A run's checked inputs: what the later phases start from. */
export interface RunPlan {
  /** The input as given, and resolved. */
  input: string;
  inputPath: string;
  /** The notebook with the parameters injected and old error markers removed. */
  nb: Notebook;
  spec: KernelSpec;
  language: string;
  params: Record<string, ParamValue>;
  /** Where the injected cell went, when parameters were given. */
  injectedIndex?: number;
  output: string;
  htmlPath?: string;
  cwd: string;
}

/** Injects `params` after the parameters cell (or drops a stale injected cell when there are none). */
function parameterize(
  nb: Notebook,
  params: Record<string, ParamValue>,
  language: string,
  warn: (message: string) => void,
): { nb: Notebook; injectedIndex?: number } {
  try {
    const translator = Object.keys(params).length ? translatorFor(language) : undefined;
    if (!translator) return { nb: injectParameters(nb, {}, translatorFor("typescript")).notebook };
    const inj = injectParameters(nb, params, translator, {
      header: `Parameters injected by seglab nb ${RUNNER_VERSION}`,
    });
    for (const w of inj.warnings) warn(w);
    return { nb: inj.notebook, injectedIndex: inj.injectedIndex };
  } catch (e) {
    if (e instanceof TranslatorError || e instanceof ParameterError) throw new RunUsageError(e.message);
    throw e;
  }
}

/**
 * Checks a run's inputs and prepares its notebook (see the module doc).
 * @throws {RunUsageError} on bad input.
 */
export async function prepareRun(
  input: string,
  options: RunOptions,
  warn: (message: string) => void,
): Promise<RunPlan> {
  const inputPath = path.resolve(input);
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
  const injected = parameterize(withoutMarkers(nb), params, language, warn);
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
  return {
    input,
    inputPath,
    nb: injected.nb,
    spec,
    language,
    params,
    injectedIndex: injected.injectedIndex,
    output,
    htmlPath,
    cwd,
  };
}
