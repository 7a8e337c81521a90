/**
 * Backend selection: `ready()` picks, initialises and reports the TensorFlow.js backend.
 *
 * Order, unless told otherwise: `tensorflow` (libtensorflow through `@tensorflow/tfjs-node-gpu`,
 * then `@tensorflow/tfjs-node`, when installed and loadable), `webgpu` (a hardware WebGPU adapter,
 * e.g. Deno on a GPU machine; software adapters only when asked for), `wasm` (the default everywhere else: XNNPACK with SIMD, plus
 * seglab's training kernels), `cpu` (last resort). The choice comes from the argument, else the
 * `SEGLAB_BACKEND` environment variable, else this order. One line says what was picked and why
 * the earlier ones were skipped: on stderr in a terminal, a quiet display line in a notebook.
 *
 * @example
 * ```ts
 * import { ready } from "seglab";
 * const name = await ready();          // best available: "wasm" here, "tensorflow" with tfjs-node
 * await ready("cpu");                  // exactly this one, or an error saying why not
 * await ready("webgpu", { fallback: true });  // webgpu if it starts, else the next in order
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { env } from "../core/runtime.ts";
import { defaultProbes, type Probes } from "./probes.ts";
import type { StartResult } from "./start_result.ts";
import { startTensorflow } from "./start_tensorflow.ts";
import { startWebgpu } from "./start_webgpu.ts";
import { defaultWasmThreads, startWasm } from "./start_wasm.ts";
import { startCpu } from "./start_cpu.ts";
import { registerSeglabGradients } from "./gradients/register_gradients.ts";
import { registerFusedTraining } from "./fused/register_fused.ts";
import { escapeHtml } from "../core/escape.ts";

/** Backends seglab knows, in the order `ready()` tries them. */
export const BACKENDS = ["tensorflow", "webgpu", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Options of {@linkcode ready}. */
export interface ReadyOptions {
  /** When the requested backend cannot start, fall back to the next one instead of throwing. */
  fallback?: boolean;
  /** Do not print the one-line report. */
  quiet?: boolean;
  /**
   * Accept a software WebGPU adapter (llvmpipe, SwiftShader) in automatic selection; also
   * `SEGLAB_WEBGPU_SOFTWARE=1`. Asking for `"webgpu"` by name always accepts one.
   */
  softwareGpu?: boolean;
  /**
   * XNNPACK threads for `wasm` (also `SEGLAB_WASM_THREADS`); 1 turns threads off. Default: the
   * logical cores, at most 8. Only the first start of the wasm backend in a process can choose.
   */
  threads?: number;
  /** Replaces how packages are imported and GPUs found (for tests and embedders). */
  probes?: Partial<Probes>;
}

/** What `ready()` chose, and why it skipped the others. */
export interface BackendInfo {
  name: BackendName;
  /** What runs underneath: package, device, SIMD/threads. */
  detail: string;
  /** Whether tensors live on a device (GPU). */
  onDevice: boolean;
  /** True when the backend runs but not as well as it should (tfjs-node-gpu without a GPU). */
  warning: boolean;
  skipped: { name: BackendName; reason: string }[];
  /** `argument`, `SEGLAB_BACKEND` or `default`. */
  source: string;
  line: string;
}

let last: BackendInfo | null = null;

/** The line `ready()` printed last (empty before the first call). */
export function backendReport(): string {
  return last?.line ?? "";
}

/** What the last `ready()` chose (null before the first call). */
export function backendInfo(): BackendInfo | null {
  return last;
}

function start(
  name: BackendName,
  probes: Probes,
  softwareGpu: boolean,
  threads: number,
): Promise<StartResult> {
  switch (name) {
    case "tensorflow":
      return startTensorflow(probes);
    case "webgpu":
      return startWebgpu(probes, softwareGpu);
    case "wasm":
      return startWasm(threads);
    case "cpu":
      return startCpu();
  }
}

/**
 * Chooses, initialises and reports the TensorFlow.js backend; returns its name.
 *
 * With no argument (and no `SEGLAB_BACKEND`), tries {@linkcode BACKENDS} in order and takes the
 * first that starts. With a name, takes exactly that one: if it cannot start, throws with the
 * reason, unless `fallback: true`, which then continues down the list. An unknown name throws
 * and lists the valid ones. Calling it again with the backend already active is cheap; calling
 * it with another name switches backends within the process (variables move with their values;
 * other tensors made on `webgpu` must have been read with `await t.data()` to move).
 */
export async function ready(backend?: string, opts: ReadyOptions = {}): Promise<string> {
  const fromEnv = env("SEGLAB_BACKEND");
  const requested = (backend ?? fromEnv ?? "auto").trim().toLowerCase();
  const source = backend ? "argument" : fromEnv ? "SEGLAB_BACKEND" : "default";
  if (requested !== "auto" && !(BACKENDS as readonly string[]).includes(requested)) {
    throw new Error(
      `ready(): unknown backend "${backend ?? fromEnv}" (from ${source}); valid backends: ${
        BACKENDS.join(", ")
      }, or "auto"`,
    );
  }
  registerSeglabGradients();
  registerFusedTraining();
  const probes: Probes = { ...defaultProbes, ...opts.probes };
  const softwareGpu = opts.softwareGpu ?? env("SEGLAB_WEBGPU_SOFTWARE") === "1";
  const threads = wasmThreadsOption(opts.threads);
  const order: BackendName[] = requested === "auto"
    ? [...BACKENDS]
    : opts.fallback
    ? [requested as BackendName, ...BACKENDS.slice(BACKENDS.indexOf(requested as BackendName) + 1)]
    : [requested as BackendName];
  const skipped: { name: BackendName; reason: string }[] = [];
  for (const name of order) {
    if (last && last.name === name && tf.getBackend() === name && !opts.probes) {
      return report({ ...last, skipped, source }, opts);
    }
    const named = requested !== "auto" && name === requested;
    if (tf.getBackend() === "webgpu" && name !== "webgpu") await cacheVariablesOnCpu();
    const r = await start(name, probes, softwareGpu || (named && name === "webgpu"), threads);
    if (r.ok) {
      return report({
        name,
        detail: r.detail,
        onDevice: r.onDevice ?? false,
        warning: r.warning ?? false,
        skipped,
        source,
        line: "",
      }, opts);
    }
    skipped.push({ name, reason: r.reason });
    if (named && !opts.fallback) {
      throw new Error(
        `ready(): backend "${name}" could not start: ${r.reason}. ` +
          `Pass { fallback: true } to fall back to the next backend (${BACKENDS.join(" → ")}).`,
      );
    }
  }
  throw new Error(
    `ready(): no backend could start: ${skipped.map((s) => `${s.name} (${s.reason})`).join("; ")}`,
  );
}

/**
 * Before leaving `webgpu` for another backend: downloads every variable (model weights,
 * optimizer slots) with `await data()`, so that TensorFlow.js can move them to the new backend
 * (it moves data with a synchronous read, which only works on values already on the CPU).
 */
async function cacheVariablesOnCpu(): Promise<void> {
  const vars = Object.values(tf.engine().registeredVariables);
  for (const v of vars) if (!v.isDisposed) await v.data();
}

function wasmThreadsOption(fromArg: number | undefined): number {
  const raw = fromArg ?? env("SEGLAB_WASM_THREADS");
  if (raw === undefined) return defaultWasmThreads();
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) {
    throw new Error(
      `ready(): threads must be a whole number ≥ 0 (got ${JSON.stringify(raw)}${
        fromArg === undefined ? " from SEGLAB_WASM_THREADS" : ""
      }); 0 or 1 turns wasm threads off`,
    );
  }
  return Math.max(1, Math.min(8, n));
}

function report(info: BackendInfo, opts: ReadyOptions): string {
  const via = info.source === "default" ? "" : ` [${info.source}]`;
  const line = `seglab: backend ${info.name} (${info.detail})${via}` +
    (info.skipped.length ? `; skipped ${info.skipped.map((s) => `${s.name}: ${s.reason}`).join("; ")}` : "");
  info.line = line;
  if (line !== last?.line && !opts.quiet) showNote(line, info.warning);
  last = info;
  return info.name;
}

/**
 * The backend note: in a notebook (any output sink but the terminal's) a quiet grey display line
 * — on stderr it read like an error in every notebook; in a terminal, one line on stderr.
 * Warnings (a software GPU, say) stay on stderr everywhere.
 */
function showNote(line: string, warning: boolean): void {
  // The sink a notebook kernel installs (lib/display's `setOutputSink`), read where it is kept:
  // the display layer sits beside this one, not below it.
  const sink = (globalThis as Record<symbol, unknown>)[Symbol.for("seglab.outputSink")] as
    | { name: string; display(b: Record<string, unknown>, o: Record<string, unknown>): void }
    | null
    | undefined;
  if (warning || !sink || sink.name === "terminal") {
    console.error(line);
    return;
  }
  sink.display({
    "text/plain": line,
    "text/html": `<div style="color:#6e7781;font-size:85%">${escapeHtml(line)}</div>`,
  }, {});
}
