/**
 * Makes this Deno process die with the launcher that started it (`bin/seglab.mjs` preloads this
 * file with `--preload`). Linux has no portable "die with parent" setting a Deno program can
 * reach, and Deno cannot read an inherited pipe's descriptor, so the watch polls `process.ppid`
 * every 200 ms (an unref'd timer: it never keeps the process alive). When the parent named by
 * `SEGLAB_PARENT_PID` is gone — killed even with SIGKILL — the process is re-parented and its
 * ppid changes; it then sends itself SIGTERM, so a trainer stops and saves its checkpoint as on
 * any SIGTERM (see `lib/cli/stop_signals.ts`), and anything else ends as SIGTERM ends it. If
 * the process is still alive 60 s later (a save that hangs), it exits with status 143.
 *
 * Without `SEGLAB_PARENT_PID` (Deno started some other way) this file does nothing.
 * @module
 */
import process from "node:process";
import { setInterval, setTimeout } from "node:timers";

/** Starts watching `parentPid`; returns a function that stops the watch. */
export function watchParent(
  parentPid: number,
  opts: { intervalMs?: number; graceMs?: number } = {},
): () => void {
  const intervalMs = opts.intervalMs ?? 200, graceMs = opts.graceMs ?? 60_000;
  const id = setInterval(() => {
    if (process.ppid === parentPid) return;
    clearInterval(id);
    setTimeout(() => process.exit(143), graceMs).unref();
    process.kill(process.pid, "SIGTERM");
  }, intervalMs);
  id.unref();
  return () => clearInterval(id);
}

const parent = Number(process.env.SEGLAB_PARENT_PID);
if (Number.isInteger(parent) && parent > 1) {
  // Started after the parent died already: end now.
  if (process.ppid !== parent) process.exit(143);
  watchParent(parent);
}
