/**
 * The runner's exit codes, and the error that carries "bad usage" (exit 2) out of
 * {@linkcode runNotebook} before any kernel starts.
 * @module
 */

/** Exit codes of `nb run` (and {@linkcode RunResult.exitCode}). */
export const EXIT = {
  /** Every cell ran (with `--allow-errors`, errors are recorded and still exit 0). */
  ok: 0,
  /** A cell raised an error. */
  cellError: 1,
  /** Bad usage, an unreadable notebook, an unknown kernelspec or an unwritable output path. */
  usage: 2,
  /** The kernel died (or never started). */
  kernelDied: 3,
  /** A cell ran past its timeout (it was interrupted, or the kernel killed). */
  timeout: 4,
  /** The run was stopped by the user (Ctrl-C). */
  aborted: 130,
} as const;

/** One of {@linkcode EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/**
 * Bad input found before a kernel starts: the message says what and how to fix it; `exitCode`
 * is 2.
 */
export class RunUsageError extends Error {
  override name = "RunUsageError";
  readonly exitCode = EXIT.usage;
}
