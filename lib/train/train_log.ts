/**
 * The trainer's log: PaddleSeg-style `[TRAIN]` / `[EVAL]` / `[INFO]` lines, their number and
 * clock formats, and where the lines go (stderr in a terminal, nowhere in notebooks by default).
 * @module
 */
import { getOutputSink } from "../display/sink.ts";

/** Where log lines go. */
export type LogFn = (line: string) => void;

/** A number with `d` decimals (non-finite values as they are). */
export function fmt(x: number, d = 4): string {
  return Number.isFinite(x) ? x.toFixed(d) : String(x);
}

/** Seconds as `hh:mm:ss`. */
export function clock(s: number): string {
  const t = Math.max(0, Math.round(s));
  return [Math.floor(t / 3600), Math.floor((t % 3600) / 60), t % 60].map((v) => String(v).padStart(2, "0"))
    .join(":");
}

/**
 * Where the one-line notes a user must see go (a stop and what it saved, a data check): the log
 * function, else stderr — in notebooks too — unless the log is `false`.
 */
export function makeSayer(opt: boolean | LogFn | undefined): LogFn {
  if (typeof opt === "function") return opt;
  if (opt === false) return () => {};
  return (line) => console.error(line);
}

/** The logger for `TrainSpec.log`: a function, on (stderr), off, or by default on in a terminal. */
export function makeLogger(opt: boolean | LogFn | undefined): LogFn {
  if (typeof opt === "function") return opt;
  const on = opt ?? getOutputSink().name === "terminal";
  if (!on) return () => {};
  return (line) => console.error(line);
}
