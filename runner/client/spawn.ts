/**
 * Starting a kernel process from its kernelspec, as `jupyter_client` does: five free TCP ports on
 * the loopback, a connection file with a random HMAC key (mode 0600, in a private temporary
 * folder), `{connection_file}` / `{resource_dir}` substituted in argv, the kernelspec's `env`
 * (with `${VAR}` expanded) over the runner's, and a new process group, so that a Ctrl-C in the
 * terminal reaches the runner, not the kernel.
 *
 * @example
 * ```ts
 * import { findKernelSpec, spawnKernel } from "seglab/runner";
 * const k = await spawnKernel((await findKernelSpec("python3"))!, { cwd: "." });
 * console.log(k.connection.shell_port, k.pid);
 * await k.kill();
 * ```
 * @module
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import type { ConnectionInfo } from "../../kernel/protocol/connection.ts";
import type { KernelSpec } from "./kernelspecs.ts";

/** How a kernel process ended. */
export interface KernelExit {
  code: number | null;
  signal: string | null;
}

/** A started kernel process. */
export interface KernelProcess {
  readonly spec: KernelSpec;
  readonly connection: ConnectionInfo;
  readonly connectionFile: string;
  readonly pid: number;
  /** Settles when the process has exited. */
  readonly exited: Promise<KernelExit>;
  /** The exit, once it happened. */
  readonly exit: KernelExit | undefined;
  /** The last few KiB the kernel wrote to stdout/stderr (for "the kernel died" messages). */
  tail(): string;
  /** Sends a signal to the kernel's process group. */
  signal(sig: NodeJS.Signals): boolean;
  /** SIGTERM, then SIGKILL after `graceMs`; removes the connection file. */
  kill(graceMs?: number): Promise<KernelExit>;
}

/** Options of {@linkcode spawnKernel}. */
export interface SpawnOptions {
  /** The kernel's working directory. */
  cwd: string;
  /** The environment (default: the process's). The spec's env is laid over it. */
  env?: Record<string, string | undefined>;
  /** Receives everything the kernel process writes to stdout/stderr. */
  onOutput?: (text: string, stream: "stdout" | "stderr") => void;
}

/** A kernel that could not be started (missing executable, bad argv). */
export class KernelSpawnError extends Error {
  override name = "KernelSpawnError";
}

async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Ports handed out lately (port → when), so that kernels started meanwhile never share one. */
const handedOut = new Map<number, number>();
/** How long a handed-out port stays reserved: a kernel binds its ports within its start-up. */
const RESERVE_MS = 120_000;

/**
 * `n` distinct free loopback ports (bound, then released), none handed out by this process in the
 * last two minutes. Another process can still take one before the kernel binds it; the runner then
 * starts the kernel again (`runner/start_kernel.ts`).
 */
export async function freePorts(n: number): Promise<number[]> {
  const now = Date.now();
  for (const [port, at] of handedOut) if (now - at > RESERVE_MS) handedOut.delete(port);
  const ports = new Set<number>();
  while (ports.size < n) {
    const port = await freePort();
    if (handedOut.has(port)) continue;
    ports.add(port);
    handedOut.set(port, now);
  }
  return [...ports];
}

function expandEnv(value: string, env: Record<string, string | undefined>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, n) => env[n] ?? "");
}

/**
 * Starts the kernel described by `spec`.
 * @throws {KernelSpawnError} when the process cannot be spawned.
 */
export async function spawnKernel(spec: KernelSpec, opts: SpawnOptions): Promise<KernelProcess> {
  const [shell, iopub, stdin, control, hb] = await freePorts(5);
  const connection: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: crypto.randomUUID(),
    signature_scheme: "hmac-sha256",
    kernel_name: spec.name,
  };
  const tmp = await mkdtemp(path.join(os.tmpdir(), "seglab-nb-"));
  const connectionFile = path.join(tmp, `kernel-${crypto.randomUUID().slice(0, 8)}.json`);
  await writeFile(connectionFile, JSON.stringify(connection, null, 1), { mode: 0o600 });

  const baseEnv = opts.env ?? process.env;
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(baseEnv)) if (v !== undefined) env[k] = v;
  for (const [k, v] of Object.entries(spec.env)) env[k] = expandEnv(v, baseEnv);
  // ipykernel (and kernels that copy it) exit when this process goes away.
  env.JPY_PARENT_PID = String(process.pid);
  const argv = spec.argv.map((a) =>
    a.replaceAll("{connection_file}", connectionFile).replaceAll("{resource_dir}", spec.dir)
  );

  let child: ChildProcess;
  try {
    child = spawn(argv[0], argv.slice(1), {
      cwd: opts.cwd,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: process.platform !== "win32",
    });
  } catch (e) {
    await rm(tmp, { recursive: true, force: true });
    throw new KernelSpawnError(
      `cannot start the kernel "${spec.name}" (${argv[0]}): ${(e as Error).message}`,
    );
  }
  const spawned = await new Promise<Error | null>((resolve) => {
    child.once("spawn", () => resolve(null));
    child.once("error", (e) => resolve(e));
  });
  if (spawned) {
    await rm(tmp, { recursive: true, force: true });
    const why = (spawned as { code?: string }).code === "ENOENT" ? "no such program" : spawned.message;
    throw new KernelSpawnError(
      `cannot start the kernel "${spec.name}": ${argv[0]}: ${why} (argv from ${
        spec.dir || "the built-in spec"
      }/kernel.json)`,
    );
  }

  let tail = "";
  const keep = (s: string) => {
    tail = (tail + s).slice(-8192);
  };
  const dec = { stdout: new TextDecoder(), stderr: new TextDecoder() };
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream]!.on("data", (chunk: Uint8Array) => {
      const text = dec[stream].decode(chunk, { stream: true });
      keep(text);
      opts.onOutput?.(text, stream);
    });
  }

  let exit: KernelExit | undefined;
  const exited = new Promise<KernelExit>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = { code, signal };
      resolve(exit);
    });
  });
  const pid = child.pid!;
  const signal = (sig: NodeJS.Signals): boolean => {
    if (exit) return false;
    try {
      if (process.platform !== "win32") process.kill(-pid, sig);
      else child.kill(sig);
      return true;
    } catch {
      try {
        return child.kill(sig);
      } catch {
        return false;
      }
    }
  };
  let cleaned = false;
  const cleanup = async () => {
    if (cleaned) return;
    cleaned = true;
    await rm(tmp, { recursive: true, force: true });
  };
  exited.then(cleanup);

  return {
    spec,
    connection,
    connectionFile,
    pid,
    exited,
    get exit() {
      return exit;
    },
    tail: () => tail,
    signal,
    async kill(graceMs = 2000): Promise<KernelExit> {
      if (!exit) {
        signal("SIGTERM");
        let timer: ReturnType<typeof setTimeout> | undefined;
        const late = new Promise<"late">((r) => timer = setTimeout(() => r("late"), graceMs));
        if ((await Promise.race([exited, late])) === "late") signal("SIGKILL");
        clearTimeout(timer);
      }
      const e = await exited;
      await cleanup();
      return e;
    },
  };
}
