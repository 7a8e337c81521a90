/**
 * How the kernel ends when it is told to go without a shutdown request — SIGTERM (a scheduler's
 * `scancel` or time limit, `docker stop`, systemd, jupyter_client's terminate) or its client gone
 * (killed with SIGKILL): the running cell is interrupted as the user would interrupt it, so
 * `train` stops after its step and saves a checkpoint, and the process exits once the cell has
 * ended — at most `graceMs` later. The I/O worker, which receives the signal and watches the
 * parent, sets the interrupt flag first (loops see it at once) and ends the process should this
 * not finish; a second SIGTERM ends it at once.
 * @module
 */

/** What the stop needs of the kernel. */
export interface StopTarget {
  /** Interrupts the running cell (the executor's interrupt). */
  interrupt(): void;
  /** True while a cell runs. */
  busy(): boolean;
  /** The shared interrupt flag (set first, so loops see it before the message is handled). */
  flag: Int32Array;
  log(s: string): void;
  exit(code: number): void;
}

/** Returns the function that stops the running cell and then exits with `code`. */
export function stopThenExit(target: StopTarget, graceMs = 60_000): (why: string, code: number) => void {
  let stopping = false;
  return (why, code) => {
    if (stopping) return;
    stopping = true;
    const busy = target.busy();
    target.log(`${why}: ${busy ? "interrupting the running cell (it stops and saves), then " : ""}exiting`);
    if (!busy) return target.exit(code);
    Atomics.store(target.flag, 0, 1);
    target.interrupt();
    const t0 = Date.now();
    const id = setInterval(() => {
      if (target.busy() && Date.now() - t0 < graceMs) return;
      clearInterval(id);
      target.exit(code);
    }, 100);
  };
}
