/**
 * Connection files: the JSON a Jupyter client writes to tell a kernel its ports and key.
 * Reading one checks every field and names what is wrong and how to fix it.
 *
 * @example
 * ```ts
 * import { endpoint, readConnectionFile } from "seglab/kernel";
 * const info = await readConnectionFile("/run/user/1000/jupyter/kernel-1.json");
 * console.log(endpoint(info, "shell")); // tcp://127.0.0.1:53001
 * ```
 * @module
 */
import { readFile } from "node:fs/promises";
import { readFailure } from "../../lib/core/files.ts";
import type { Channel } from "./message.ts";
import { SIGNATURE_SCHEMES } from "./signer.ts";

/** A connection file's contents. */
export interface ConnectionInfo {
  transport: "tcp" | "ipc";
  ip: string;
  shell_port: number;
  control_port: number;
  iopub_port: number;
  stdin_port: number;
  hb_port: number;
  key: string;
  signature_scheme: string;
  kernel_name?: string;
}

/** A connection file that cannot be used; the message says why and what to do. */
export class ConnectionFileError extends Error {
  override name = "ConnectionFileError";
}

const PORTS = ["shell_port", "control_port", "iopub_port", "stdin_port", "hb_port"] as const;

/** Checks parsed connection-file JSON; `source` names it in errors. */
export function parseConnectionInfo(raw: unknown, source = "connection file"): ConnectionInfo {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    throw new ConnectionFileError(
      `${source}: expected a JSON object with ${PORTS.join(", ")}, ip, key, transport`,
    );
  }
  const o = raw as Record<string, unknown>;
  const transport = o.transport ?? "tcp";
  if (transport !== "tcp" && transport !== "ipc") {
    throw new ConnectionFileError(
      `${source}: "transport" is ${JSON.stringify(transport)}; use "tcp" or "ipc"`,
    );
  }
  const ip = o.ip ?? "127.0.0.1";
  if (typeof ip !== "string" || ip === "") {
    throw new ConnectionFileError(`${source}: "ip" must be a non-empty string`);
  }
  const ports: Record<string, number> = {};
  for (const p of PORTS) {
    const v = o[p];
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0 || v > 65535) {
      throw new ConnectionFileError(
        `${source}: "${p}" is ${
          v === undefined ? "missing" : JSON.stringify(v)
        }; it must be a port number (0–65535)`,
      );
    }
    ports[p] = v;
  }
  const key = o.key ?? "";
  if (typeof key !== "string") throw new ConnectionFileError(`${source}: "key" must be a string`);
  const scheme = o.signature_scheme ?? "hmac-sha256";
  if (typeof scheme !== "string" || !SIGNATURE_SCHEMES.includes(scheme)) {
    throw new ConnectionFileError(
      `${source}: "signature_scheme" is ${JSON.stringify(scheme)}; use one of ${
        SIGNATURE_SCHEMES.join(", ")
      }`,
    );
  }
  return {
    transport,
    ip,
    shell_port: ports.shell_port,
    control_port: ports.control_port,
    iopub_port: ports.iopub_port,
    stdin_port: ports.stdin_port,
    hb_port: ports.hb_port,
    key,
    signature_scheme: scheme,
    kernel_name: typeof o.kernel_name === "string" ? o.kernel_name : undefined,
  };
}

/** Reads and checks a connection file. */
export async function readConnectionFile(path: string): Promise<ConnectionInfo> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    const why = readFailure(e);
    throw new ConnectionFileError(
      `cannot read the connection file ${path}: ${why}. Jupyter writes this file and passes its path as ` +
        `{connection_file} in the kernelspec's argv; start the kernel from Jupyter, or pass an existing file.`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ConnectionFileError(`the connection file ${path} is not valid JSON: ${(e as Error).message}`);
  }
  return parseConnectionInfo(raw, `connection file ${path}`);
}

/** The ZeroMQ endpoint of a channel: `tcp://ip:port`, or `ipc://ip-N` for the ipc transport. */
export function endpoint(info: ConnectionInfo, channel: Channel): string {
  const port = info[`${channel}_port` as const];
  return info.transport === "ipc" ? `ipc://${info.ip}-${port}` : `tcp://${info.ip}:${port}`;
}
