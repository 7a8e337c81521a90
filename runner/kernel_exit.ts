/**
 * Words for how a kernel process ended, for the runner's banner and log. A V8 heap exhaustion
 * ends Deno with SIGTRAP (V8's fatal-error breakpoint) after printing "Fatal JavaScript out of
 * memory" — reported as `killed by SIGTRAP` before; now the kernel's last output is read and such
 * a death is named for what it is. SIGKILL without such a line is most often the system's
 * out-of-memory killer, or a user.
 * @module
 */

/** How a process exited. */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
}

const OOM = [
  /Fatal JavaScript out of memory/i,
  /Fatal process out of memory/i,
  /JavaScript heap out of memory/i,
  /Reached heap limit/i,
  /WebAssembly heap is full|wasm heap is full/i,
  /memory allocation of \d+ bytes failed/i,
];

/** True when the kernel's last output says it ran out of memory. */
export function saysOutOfMemory(tail: string): boolean {
  return OOM.some((re) => re.test(tail));
}

/** "out of memory (…)", "killed by SIGTERM", "exit code 1"… `tail`: the kernel's last output. */
export function describeKernelExit(e: ProcessExit, tail = ""): string {
  if (saysOutOfMemory(tail)) {
    const limit = /heap limit/i.test(tail) ? "the JavaScript heap reached its limit" : "an allocation failed";
    const how = e.signal ? `killed by ${e.signal}` : `exit code ${e.code}`;
    return `out of memory: ${limit} (${how}); raise the limit with DENO_V8_FLAGS=--max-old-space-size=<MiB>, or use smaller batches or images`;
  }
  if (e.signal) return `killed by ${e.signal}${e.signal === "SIGKILL" ? " (out of memory, or killed)" : ""}`;
  return `exit code ${e.code}`;
}
