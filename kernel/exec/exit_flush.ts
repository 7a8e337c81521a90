/**
 * Output written just before cell code exits the process reaches the notebook. Without this,
 * `console.log("last words"); Deno.exit(2)` lost the line: it was still on its way to the I/O
 * worker (or in ZeroMQ's queue) when the process ended. `Deno.exit` and `process.exit` are
 * wrapped: the kernel first sends what the main thread holds, notes the exit on the cell's
 * stderr, asks the I/O worker to put everything on the wire, and waits (at most `timeoutMs`) on a
 * shared flag the worker sets when done; then the process exits with the code asked for.
 * @module
 */
import process from "node:process";

/**
 * Installs the wrapped exits. `beforeExit(code)` sends the main thread's pending output and posts
 * the `exit` message, returning true; false when no cell runs (a shutdown: nothing to wait for).
 */
export function installExitFlush(
  flag: Int32Array,
  beforeExit: (code: number) => boolean,
  timeoutMs = 3000,
): void {
  const realDenoExit = Deno.exit.bind(Deno);
  const realProcessExit = process.exit.bind(process);
  let exiting = false;
  const flushThen = (code: number | undefined, exit: (code?: number) => never): never => {
    if (!exiting) {
      exiting = true;
      try {
        Atomics.store(flag, 0, 0);
        if (beforeExit(code ?? 0)) Atomics.wait(flag, 0, 0, timeoutMs);
      } catch { /* exit anyway */ }
    }
    return exit(code);
  };
  (Deno as { exit: (code?: number) => never }).exit = (code?: number) => flushThen(code, realDenoExit);
  (process as { exit: (code?: number) => never }).exit = (code?: number) =>
    flushThen(code ?? (typeof process.exitCode === "number" ? process.exitCode : undefined), realProcessExit);
}
