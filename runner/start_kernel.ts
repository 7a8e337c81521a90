/**
 * Starting the run's kernel until it answers. The ports in a connection file are picked free and
 * released before the kernel binds them (as `jupyter_client` does), so another socket — a second
 * kernel starting at the same time in a sweep, or any outgoing connection, whose local port the
 * system picks from the same range — can take one in between; the kernel then exits with "Address
 * already in use". Such a start is tried again with new ports, up to {@linkcode START_TRIES} times.
 * @module
 */
import type { KernelSession } from "./kernel_session.ts";
import { startSession } from "./kernel_session.ts";
import type { RunRecord } from "./run_record.ts";

/** Starts tried before a port taken in between counts as a failure. */
export const START_TRIES = 3;

/** Whether a kernel that exited while starting said one of its ports was taken. */
export function portWasTaken(tail: string): boolean {
  return /address already in use|EADDRINUSE/i.test(tail);
}

/**
 * Starts the kernel and waits up to `timeoutS` for it to answer; a start that failed because a
 * port was taken is retried with new ports (the record gets a warning). Returns the session and,
 * on failure, why (the session is still returned, to be shut down).
 * @throws {KernelSpawnError} when the kernel cannot be started at all.
 */
export async function startReadySession(
  record: RunRecord,
  timeoutS: number,
): Promise<{ session: KernelSession; ready: { ok: true } | { ok: false; why: string } }> {
  for (let attempt = 1;; attempt++) {
    const session = await startSession(record);
    const ready = await session.ready(timeoutS);
    const retry = !ready.ok && session.kernel.exit !== undefined && portWasTaken(session.kernel.tail()) &&
      attempt < START_TRIES;
    if (!retry) return { session, ready };
    record.warn(
      `the kernel could not bind a port another process took meanwhile; starting it again with new ports`,
    );
    await session.shutdown().catch(() => {});
  }
}
