/** Environment variables and runtime detection, without touching `Deno.*`. */
import process from "node:process";

/** True when running under Deno (which also exposes Node's `process`). */
export const isDeno: boolean = typeof (globalThis as { Deno?: unknown }).Deno !== "undefined";

/** True when running under Node.js proper (not Deno). */
export const isNode: boolean = !isDeno && typeof process?.versions?.node === "string";

/** "deno 2.9.6", "node 20.20.2", or "unknown". */
export function runtimeName(): string {
  const deno = (globalThis as { Deno?: { version?: { deno?: string } } }).Deno;
  if (deno?.version?.deno) return `deno ${deno.version.deno}`;
  if (isNode) return `node ${process.versions.node}`;
  return "unknown";
}

/** Reads an environment variable; `undefined` when unset or empty, or when access is denied. */
export function env(name: string): string | undefined {
  try {
    const v = process.env[name];
    return v === undefined || v === "" ? undefined : v;
  } catch {
    return undefined;
  }
}
