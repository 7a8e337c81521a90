/**
 * Kernelspecs: finding installed Jupyter kernels by name the way `jupyter_client` does.
 *
 * Search order (first match wins, names compare case-insensitively):
 * `$JUPYTER_PATH` entries, the user data dir (`$JUPYTER_DATA_DIR`, else
 * `$XDG_DATA_HOME/jupyter` or `~/.local/share/jupyter`; `~/Library/Jupyter` on macOS,
 * `%APPDATA%\jupyter` on Windows), then `/usr/local/share/jupyter` and `/usr/share/jupyter`
 * (`%PROGRAMDATA%\jupyter` on Windows), each with `kernels/<name>/kernel.json` below it.
 *
 * @example
 * ```ts
 * import { findKernelSpec, listKernelSpecs } from "seglab/runner";
 * for (const k of await listKernelSpecs()) console.log(k.name, k.dir);
 * const py = await findKernelSpec("python3");
 * console.log(py?.argv);
 * ```
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import type { KernelJson } from "../../kernel/kernelspec.ts";

/**
 * An installed kernelspec: its kernel.json ({@linkcode KernelJson}: argv with `{connection_file}`,
 * display name, language, `interrupt_mode` "signal" (SIGINT, the default) or "message", env whose
 * `${VAR}` expand from the runner's environment, metadata) plus where it was found.
 */
export interface KernelSpec extends KernelJson {
  /** The kernel's name (its folder name, lower case). */
  name: string;
  /** The folder holding kernel.json (`{resource_dir}` in argv), or "" for a built-in spec. */
  dir: string;
}

/** A kernelspec that could not be found or read. */
export class KernelSpecError extends Error {
  override name = "KernelSpecError";
}

/** Options for the search. */
export interface KernelSearchOptions {
  /** Environment to read JUPYTER_PATH etc. from (default: the process's). */
  env?: Record<string, string | undefined>;
  /** Replace the search path with these data dirs (each holding `kernels/`). */
  dataDirs?: string[];
}

/** The Jupyter data directories searched for `kernels/`, in priority order. */
export function jupyterDataDirs(env: Record<string, string | undefined> = process.env): string[] {
  const dirs: string[] = [];
  const sep = process.platform === "win32" ? ";" : ":";
  if (env.JUPYTER_PATH) {
    dirs.push(...env.JUPYTER_PATH.split(sep).filter(Boolean).map((p) => p.replace(/[\\/]+$/, "")));
  }
  const home = env.HOME ?? env.USERPROFILE ?? os.homedir();
  if (env.JUPYTER_DATA_DIR) dirs.push(env.JUPYTER_DATA_DIR);
  else if (process.platform === "darwin") dirs.push(path.join(home, "Library", "Jupyter"));
  else if (process.platform === "win32") {
    dirs.push(path.join(env.APPDATA ?? path.join(home, "AppData", "Roaming"), "jupyter"));
  } else dirs.push(path.join(env.XDG_DATA_HOME || path.join(home, ".local", "share"), "jupyter"));
  if (process.platform === "win32") {
    if (env.PROGRAMDATA) dirs.push(path.join(env.PROGRAMDATA, "jupyter"));
  } else {
    dirs.push("/usr/local/share/jupyter", "/usr/share/jupyter");
  }
  return [...new Set(dirs)];
}

const NAME = /^[a-z0-9._-]+$/i;

/**
 * Reads `kernel.json` in `dir`.
 * @throws {KernelSpecError} when it is missing, not JSON, or has no usable argv.
 */
export async function readKernelSpec(dir: string, name = path.basename(dir)): Promise<KernelSpec> {
  const file = path.join(dir, "kernel.json");
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, "utf8"));
  } catch (e) {
    throw new KernelSpecError(`cannot read the kernelspec ${file}: ${(e as Error).message}`);
  }
  const o = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  if (!Array.isArray(o.argv) || o.argv.length === 0 || !o.argv.every((a) => typeof a === "string")) {
    throw new KernelSpecError(`the kernelspec ${file} has no "argv" list of strings`);
  }
  const env: Record<string, string> = {};
  if (o.env && typeof o.env === "object") {
    for (const [k, v] of Object.entries(o.env as Record<string, unknown>)) {
      if (typeof v === "string") env[k] = v;
    }
  }
  return {
    name: name.toLowerCase(),
    dir,
    argv: o.argv as string[],
    display_name: typeof o.display_name === "string" ? o.display_name : name,
    language: typeof o.language === "string" ? o.language : "",
    interrupt_mode: o.interrupt_mode === "message" ? "message" : "signal",
    env,
    metadata: (o.metadata && typeof o.metadata === "object" ? o.metadata : {}) as Record<string, unknown>,
  };
}

async function isDir(p: string): Promise<boolean> {
  try {
    return (await stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Every installed kernelspec, first match per name in search order; unreadable ones are skipped. */
export async function listKernelSpecs(opts: KernelSearchOptions = {}): Promise<KernelSpec[]> {
  const found = new Map<string, KernelSpec>();
  for (const data of opts.dataDirs ?? jupyterDataDirs(opts.env)) {
    const kernels = path.join(data, "kernels");
    if (!(await isDir(kernels))) continue;
    let entries: string[];
    try {
      entries = (await readdir(kernels)).sort();
    } catch {
      continue;
    }
    for (const e of entries) {
      const key = e.toLowerCase();
      if (!NAME.test(e) || found.has(key)) continue;
      try {
        found.set(key, await readKernelSpec(path.join(kernels, e), e));
      } catch { /* not a kernelspec folder */ }
    }
  }
  return [...found.values()];
}

/** The installed kernelspec called `name` (case-insensitive), or undefined. */
export async function findKernelSpec(
  name: string,
  opts: KernelSearchOptions = {},
): Promise<KernelSpec | undefined> {
  const key = name.toLowerCase();
  for (const data of opts.dataDirs ?? jupyterDataDirs(opts.env)) {
    const kernels = path.join(data, "kernels");
    if (!(await isDir(kernels))) continue;
    let entries: string[];
    try {
      entries = await readdir(kernels);
    } catch {
      continue;
    }
    const hit = entries.find((e) => e.toLowerCase() === key);
    if (hit && await isDir(path.join(kernels, hit))) return readKernelSpec(path.join(kernels, hit), hit);
  }
  return undefined;
}
