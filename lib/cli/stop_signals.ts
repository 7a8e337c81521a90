/**
 * Ctrl-C, SIGTERM and SIGHUP for the command line: the first one asks the running command to
 * stop (an `AbortSignal` the command passes to `train`/`evaluate`/`predict`, which finish the
 * step they are in, save, and return), with one line saying so; a second one stops at once
 * (exit 128 + the signal's number, the save folder's lock released on the way out). Copies of
 * one signal arriving within 500 ms (a terminal's Ctrl-C reaches both the launcher, which
 * forwards it, and Deno) count as one.
 *
 * The exit status of a stopped command is 128 + the signal's number, as a shell reports it:
 * 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.
 *
 * @example
 * ```ts
 * const stop = onStopSignals("train");
 * try {
 *   const run = await train({ …, signal: stop.signal });
 *   return stop.exitCode() ?? 0;
 * } finally { stop.dispose(); }
 * ```
 * @module
 */
import process from "node:process";

const NUMBERS: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
const SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
type StopSignal = typeof SIGNALS[number];

/** A command's stop handling. */
export interface StopSignals {
  /** Aborted (reason: the signal's name) at the first signal. */
  readonly signal: AbortSignal;
  /** The signal that stopped the command, if any. */
  received(): StopSignal | null;
  /** 128 + the signal's number once one arrived, else null. */
  exitCode(): number | null;
  /** Removes the listeners. */
  dispose(): void;
}

/** Listens for SIGINT, SIGTERM and SIGHUP on behalf of `command` (see the module doc). */
export function onStopSignals(
  command: string,
  opts: {
    /** Where the one-line notes go (default stderr). */
    print?: (line: string) => void;
    /** Called for the second signal (default: exit at once with 128 + its number). */
    hardExit?: (code: number) => void;
    /** What the first signal does, for the note (default "stopping after the current step"). */
    action?: string;
  } = {},
): StopSignals {
  const print = opts.print ?? ((l: string) => console.error(l));
  const hardExit = opts.hardExit ?? ((code: number) => process.exit(code));
  const controller = new AbortController();
  let first: StopSignal | null = null;
  let firstAt = 0;
  const listeners: [StopSignal, () => void][] = [];
  for (const sig of SIGNALS) {
    const fn = () => {
      const now = Date.now();
      if (first === null) {
        first = sig;
        firstAt = now;
        print(
          `${command}: ${sig} received; ${opts.action ?? "stopping after the current step"} ` +
            `(${sig === "SIGINT" ? "Ctrl-C" : sig} again to stop at once)`,
        );
        controller.abort(sig);
        return;
      }
      if (now - firstAt < 500) return; // the same request, delivered twice
      print(`${command}: ${sig} again; stopping now`);
      hardExit(128 + NUMBERS[first]);
    };
    try {
      process.on(sig, fn);
      listeners.push([sig, fn]);
    } catch { /* not available on this platform */ }
  }
  return {
    signal: controller.signal,
    received: () => first,
    exitCode: () => (first ? 128 + NUMBERS[first] : null),
    dispose() {
      for (const [sig, fn] of listeners.splice(0)) {
        try {
          process.off(sig, fn);
        } catch { /* gone */ }
      }
    },
  };
}
