/**
 * The seglab kernelspec: what `npm run kernel:install` writes so JupyterLab, VS Code and nbclient
 * find the kernel. `interrupt_mode: "message"` (interrupts arrive as messages and keep state),
 * the absolute path of the project's Deno, and `NO_COLOR` so `text/plain` carries no ANSI codes.
 *
 * @example
 * ```ts
 * import { installKernelspec } from "seglab/kernel";
 * const dir = await installKernelspec({ prefix: "/tmp/jp" });   // /tmp/jp/share/jupyter/kernels/seglab
 * ```
 * @module
 */
import { mkdir, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";

/**
 * The content of a kernel.json — the one kernelspec type: the runner's `KernelSpec` (an installed
 * spec found by name) is this plus its name and folder.
 */
export interface KernelJson {
  argv: string[];
  display_name: string;
  language: string;
  interrupt_mode: "message" | "signal";
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** Options of {@linkcode kernelspec} and {@linkcode installKernelspec}. */
export interface KernelspecOptions {
  /** The kernel's name (its folder). Default "seglab". */
  name?: string;
  /** Shown in kernel pickers. Default "seglab (TypeScript, Deno)". */
  displayName?: string;
  /** The Deno binary. Default: the one running this code (the project's, from npm). */
  deno?: string;
  /** Type-check every cell (cells opt out with `// @nocheck`). */
  check?: boolean;
  /** Extra environment variables for the kernel. */
  env?: Record<string, string>;
  /** Extra Deno flags before the script (e.g. `--v8-flags=--max-old-space-size=8192`). */
  denoFlags?: string[];
}

/** Where installs go. */
export interface InstallTarget {
  /** Install under `prefix/share/jupyter/kernels/NAME` (a virtualenv, conda env, or test folder). */
  prefix?: string;
  /** Install for this user (the default): Jupyter's user data directory. */
  user?: boolean;
}

/**
 * The project's Deno: `node_modules/.bin/deno` of this checkout when it is the binary running
 * now (a path that survives Deno upgrades through npm), else the running binary.
 */
export function projectDeno(): string {
  const exec = Deno.execPath();
  const bin = new URL("../node_modules/.bin/deno", import.meta.url).pathname;
  try {
    if (Deno.realPathSync(bin) === Deno.realPathSync(exec)) return bin;
  } catch { /* no npm-installed deno here */ }
  return exec;
}

/** The kernel.json content. */
export function kernelspec(opts: KernelspecOptions = {}): KernelJson {
  const main = new URL("./main.ts", import.meta.url).pathname;
  const deno = opts.deno ?? projectDeno();
  return {
    argv: [
      deno,
      "run",
      "-A",
      ...(opts.denoFlags ?? []),
      main,
      ...(opts.check ? ["--check"] : []),
      "{connection_file}",
    ],
    display_name: opts.displayName ??
      (opts.name && opts.name !== "seglab" ? `seglab (${opts.name})` : "seglab (TypeScript, Deno)"),
    language: "typescript",
    interrupt_mode: "message",
    env: { NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1", DENO_NO_PROMPT: "1", ...opts.env },
    metadata: { debugger: false },
  };
}

/** Jupyter's user data directory (`JUPYTER_DATA_DIR`, else the platform's default). */
export function jupyterUserDataDir(): string {
  const env = Deno.env.get("JUPYTER_DATA_DIR");
  if (env) return env;
  const home = homedir();
  if (Deno.build.os === "darwin") return join(home, "Library", "Jupyter");
  if (Deno.build.os === "windows") {
    return join(Deno.env.get("APPDATA") ?? join(home, "AppData", "Roaming"), "jupyter");
  }
  return join(Deno.env.get("XDG_DATA_HOME") ?? join(home, ".local", "share"), "jupyter");
}

/** The folder a kernelspec named `name` goes to. */
export function kernelspecDir(target: InstallTarget, name = "seglab"): string {
  const base = target.prefix ? join(target.prefix, "share", "jupyter") : jupyterUserDataDir();
  return join(base, "kernels", name);
}

/** Writes the kernelspec (atomically) and returns its folder. */
export async function installKernelspec(opts: KernelspecOptions & InstallTarget = {}): Promise<string> {
  const name = opts.name ?? "seglab";
  if (!/^[a-zA-Z0-9._-]+$/.test(name)) {
    throw new Error(
      `kernel name "${name}" may only contain letters, digits, ".", "_" and "-" (Jupyter's rule)`,
    );
  }
  const dir = kernelspecDir(opts, name);
  await mkdir(dir, { recursive: true });
  const file = join(dir, "kernel.json");
  const tmp = `${file}.${Deno.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(kernelspec(opts), null, 2) + "\n");
  await rename(tmp, file);
  return dir;
}
