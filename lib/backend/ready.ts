/**
 * Backend selection: `ready()` picks, initialises and reports the TensorFlow.js backend.
 *
 * @example
 * ```ts
 * import { ready } from "seglab";
 * const name = await ready();          // best available: "wasm" here, "tensorflow" with tfjs-node
 * await ready("cpu");                  // exactly this one, or an error saying why not
 * ```
 * @module
 */
import { tf } from "./tf.ts";
import { env } from "../runtime/mod.ts";

/** Backends seglab knows, in the order `ready()` tries them. */
export const BACKENDS = ["wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Options of {@linkcode ready}. */
export interface ReadyOptions {
  /** When the requested backend cannot start, fall back to the next one instead of throwing. */
  fallback?: boolean;
  /** Do not print the one-line report. */
  quiet?: boolean;
}

let lastReport = "";

/** The line `ready()` printed last (empty before the first call). */
export function backendReport(): string {
  return lastReport;
}

async function tryBackend(name: string): Promise<string | null> {
  try {
    const ok = await tf.setBackend(name);
    if (!ok) return "failed to initialise";
    await tf.ready();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/**
 * Chooses, initialises and reports the TensorFlow.js backend.
 *
 * With no argument (and no `SEGLAB_BACKEND`), tries the backends in order and takes the first
 * that starts. With a name, takes exactly that one: if it cannot start, throws with the reason,
 * unless `fallback: true`, which then continues down the list. Returns the backend's name.
 */
export async function ready(backend?: string, opts: ReadyOptions = {}): Promise<string> {
  const requested = backend ?? env("SEGLAB_BACKEND") ?? "auto";
  const source = backend ? "argument" : env("SEGLAB_BACKEND") ? "SEGLAB_BACKEND" : "default";
  if (requested !== "auto" && !(BACKENDS as readonly string[]).includes(requested)) {
    throw new Error(
      `ready(): unknown backend "${requested}" (from ${source}); valid backends: ${BACKENDS.join(", ")}, or "auto"`,
    );
  }
  const order = requested === "auto"
    ? [...BACKENDS]
    : opts.fallback
    ? [requested, ...BACKENDS.filter((b) => b !== requested)]
    : [requested];
  const skipped: string[] = [];
  for (const name of order) {
    if (tf.getBackend() === name && tf.findBackend(name)) {
      return report(name, skipped, opts);
    }
    const why = await tryBackend(name);
    if (why === null) return report(name, skipped, opts);
    skipped.push(`${name} (${why})`);
    if (requested !== "auto" && !opts.fallback) {
      throw new Error(`ready(): backend "${name}" could not start: ${why}. Pass { fallback: true } to fall back.`);
    }
  }
  throw new Error(`ready(): no backend could start: ${skipped.join("; ")}`);
}

function report(name: string, skipped: string[], opts: ReadyOptions): string {
  const line = `seglab: backend ${name}` + (skipped.length ? `; skipped ${skipped.join(", ")}` : "");
  if (line !== lastReport && !opts.quiet) console.error(line);
  lastReport = line;
  return name;
}
