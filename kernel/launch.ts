/**
 * Starts a kernel process the way Jupyter does: picks free ports, writes a connection file with a
 * fresh key, and runs the kernelspec's argv with `{connection_file}` filled in. By default it
 * starts the seglab kernel of this checkout.
 *
 * @example
 * ```ts
 * import { launchKernel } from "seglab/kernel";
 * const k = await launchKernel();
 * const { outputs } = await k.client.execute("6 * 7");
 * await k.stop();
 * ```
 * @module
 */
import { KernelClient } from "./client.ts";
import type { ConnectionInfo } from "./protocol/connection.ts";

/** Options of {@linkcode launchKernel}. */
export interface LaunchOptions {
  /** The kernel command; `{connection_file}` is replaced. Default: this checkout's seglab kernel. */
  argv?: string[];
  cwd?: string;
  env?: Record<string, string>;
  /** Wait for `kernel_info` (default true). */
  waitReady?: boolean;
  readyTimeoutMs?: number;
  /** Where the kernel's stderr goes (default: inherited). */
  stderr?: "inherit" | "piped" | "null";
}

/** A started kernel. */
export interface LaunchedKernel {
  info: ConnectionInfo;
  connectionFile: string;
  process: Deno.ChildProcess;
  client: KernelClient;
  /** Asks for shutdown, waits up to `graceMs`, then kills; removes the connection file. */
  stop(graceMs?: number): Promise<Deno.CommandStatus>;
}

/** Free TCP ports on 127.0.0.1 (bound then released). */
export function freePorts(n: number): number[] {
  const listeners = Array.from({ length: n }, () => Deno.listen({ hostname: "127.0.0.1", port: 0 }));
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

/** The argv of this checkout's seglab kernel. */
export function seglabKernelArgv(extra: string[] = []): string[] {
  return [
    Deno.execPath(),
    "run",
    "-A",
    new URL("./main.ts", import.meta.url).pathname,
    ...extra,
    "{connection_file}",
  ];
}

/** Launches a kernel (see the module doc). */
export async function launchKernel(opts: LaunchOptions = {}): Promise<LaunchedKernel> {
  const [shell, iopub, stdin, control, hb] = freePorts(5);
  const info: ConnectionInfo = {
    transport: "tcp",
    ip: "127.0.0.1",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    key: crypto.randomUUID(),
    signature_scheme: "hmac-sha256",
  };
  const connectionFile = await Deno.makeTempFile({ prefix: "kernel-", suffix: ".json" });
  await Deno.writeTextFile(connectionFile, JSON.stringify(info));
  const argv = (opts.argv ?? seglabKernelArgv()).map((a) =>
    a.replaceAll("{connection_file}", connectionFile)
  );
  const process = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: opts.cwd,
    env: { NO_COLOR: "1", ...opts.env },
    stdin: "null",
    stdout: "null",
    stderr: opts.stderr ?? "inherit",
  }).spawn();
  const client = new KernelClient(info);
  const stop = async (graceMs = 3000): Promise<Deno.CommandStatus> => {
    const exited = process.status;
    try {
      await Promise.race([client.shutdown(false, graceMs), exited]);
    } catch { /* not answering: killed below */ }
    const timer = setTimeout(() => {
      try {
        process.kill("SIGKILL");
      } catch { /* gone */ }
    }, graceMs);
    const status = await exited;
    clearTimeout(timer);
    client.close();
    await Deno.remove(connectionFile).catch(() => {});
    return status;
  };
  if (opts.waitReady !== false) {
    try {
      await client.waitReady(opts.readyTimeoutMs ?? 30000);
    } catch (e) {
      await stop(100);
      throw e;
    }
  }
  return { info, connectionFile, process, client, stop };
}
