/**
 * Captures what cell code prints: `console.*` (Deno's own console, so values look exactly as in
 * `deno run`), `Deno.stdout`/`Deno.stderr` writes and `process.stdout`/`process.stderr` (which
 * write through them). Each piece goes to the cell that printed it.
 * @module
 */
import type { CellContext } from "./context.ts";

/** Where captured text goes. */
export type StreamSink = (name: "stdout" | "stderr", text: string) => void;

interface RealStreams {
  /** Writes to the process's real stderr (the kernel log). */
  logErr(text: string): void;
}

const dec = new TextDecoder();

function makeConsole(sink: StreamSink): Console {
  // deno-lint-ignore no-explicit-any
  const internal = (Deno as any)[(Deno as any).internal];
  const Ctor = internal?.Console;
  if (typeof Ctor === "function") {
    // Deno's console: level 0 debug, 1 log/info, 2 warn, 3 error, 4 trace → stderr from 2 up.
    return new Ctor((msg: string, level: number) => sink(level >= 2 ? "stderr" : "stdout", msg)) as Console;
  }
  // Fallback (another runtime): format with Deno.inspect.
  const fmt = (args: unknown[]) =>
    args.map((a) => (typeof a === "string" ? a : Deno.inspect(a, { colors: false }))).join(" ") + "\n";
  const c = Object.create(console) as Console;
  for (const k of ["log", "info", "debug"] as const) c[k] = (...a: unknown[]) => sink("stdout", fmt(a));
  for (const k of ["warn", "error", "trace"] as const) c[k] = (...a: unknown[]) => sink("stderr", fmt(a));
  return c;
}

/**
 * Installs the capture. `sink` receives every piece of text. Returns the real stderr writer, for
 * the kernel's own log.
 */
export function installCapture(sink: StreamSink): RealStreams {
  const realErrWrite = Deno.stderr.writeSync.bind(Deno.stderr);
  const enc = new TextEncoder();
  const logErr = (text: string) => {
    try {
      realErrWrite(enc.encode(text));
    } catch { /* stderr closed */ }
  };
  const captured = makeConsole(sink);
  Object.defineProperty(globalThis, "console", {
    value: captured,
    writable: true,
    configurable: true,
    enumerable: false,
  });
  const patch = (stream: typeof Deno.stdout, name: "stdout" | "stderr") => {
    const s = stream as unknown as Record<string, unknown>;
    s.writeSync = (p: Uint8Array) => {
      sink(name, dec.decode(p));
      return p.byteLength;
    };
    s.write = (p: Uint8Array) => {
      sink(name, dec.decode(p));
      return Promise.resolve(p.byteLength);
    };
  };
  patch(Deno.stdout, "stdout");
  patch(Deno.stderr, "stderr");
  return { logErr };
}

/**
 * Wraps `setTimeout`/`setInterval` (and their `clear` functions) so that each cell knows the
 * timers it started: an interrupt cancels them, and nothing else changes. `originOf(error)` names
 * the cell whose timer callback threw `error`: Deno dispatches the global `error` event for it
 * outside the callback's async context (in whatever context the last module evaluation left), so
 * the event itself cannot tell.
 */
export function installTimerTracking(
  current: () => CellContext | undefined,
): { cancelAll(ctx?: CellContext): number; originOf(error: unknown): CellContext | undefined } {
  const g = globalThis as unknown as Record<string, unknown>;
  type Timer = (cb: (...a: unknown[]) => void, delay?: number, ...args: unknown[]) => number;
  const realSetTimeout = globalThis.setTimeout as unknown as Timer;
  const realSetInterval = globalThis.setInterval as unknown as Timer;
  const realClearTimeout = globalThis.clearTimeout as unknown as (id?: number) => void;
  const realClearInterval = globalThis.clearInterval as unknown as (id?: number) => void;
  const owner = new Map<number, CellContext>();
  const all = new Set<CellContext>();
  let lastThrow: { error: unknown; ctx: CellContext } | undefined;
  const guarded = (ctx: CellContext, cb: (...a: unknown[]) => void, a: unknown[]) => {
    try {
      cb(...a);
    } catch (error) {
      lastThrow = { error, ctx };
      throw error;
    }
  };
  const forget = (id: number) => {
    const ctx = owner.get(id);
    if (ctx) {
      ctx.timers.delete(id);
      owner.delete(id);
    }
  };
  g.setTimeout = function (cb: unknown, delay?: number, ...args: unknown[]) {
    const ctx = current();
    if (!ctx || typeof cb !== "function") return realSetTimeout(cb as () => void, delay, ...args);
    const id: number = realSetTimeout(
      (...a: unknown[]) => {
        forget(id);
        guarded(ctx, cb as (...a: unknown[]) => void, a);
      },
      delay,
      ...args,
    );
    ctx.timers.add(id);
    owner.set(id, ctx);
    all.add(ctx);
    return id;
  };
  g.setInterval = function (cb: unknown, delay?: number, ...args: unknown[]) {
    const ctx = current();
    const id = realSetInterval(
      ctx && typeof cb === "function"
        ? (...a: unknown[]) => guarded(ctx, cb as (...a: unknown[]) => void, a)
        : cb as () => void,
      delay,
      ...args,
    );
    if (ctx) {
      ctx.timers.add(id);
      owner.set(id, ctx);
      all.add(ctx);
    }
    return id;
  };
  g.clearTimeout = (id?: number) => {
    if (id !== undefined) forget(id);
    realClearTimeout(id);
  };
  g.clearInterval = (id?: number) => {
    if (id !== undefined) forget(id);
    realClearInterval(id);
  };
  return {
    originOf(error: unknown): CellContext | undefined {
      const t = lastThrow;
      lastThrow = undefined;
      return t && t.error === error ? t.ctx : undefined;
    },
    cancelAll(ctx?: CellContext): number {
      let n = 0;
      for (const c of ctx ? [ctx] : [...all]) {
        for (const id of c.timers) {
          realClearTimeout(id);
          realClearInterval(id);
          owner.delete(id);
          n++;
        }
        c.timers.clear();
        all.delete(c);
      }
      return n;
    },
  };
}
