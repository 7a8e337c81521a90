/** Starting the plain-JavaScript `cpu` backend, the last resort. @module */
import { tf } from "../core/tf.ts";
import { firstLine } from "./probes.ts";
import type { StartResult } from "./start_result.ts";
import { registerCpuFixes } from "./cpu/register_cpu_fixes.ts";

/** Starts `cpu` (and silences its "install tfjs-node" banner: `ready()` reports instead). */
export async function startCpu(): Promise<StartResult> {
  try {
    if (!(await tf.setBackend("cpu"))) return { ok: false, reason: "the cpu backend failed to initialise" };
    await tf.ready();
  } catch (e) {
    return { ok: false, reason: firstLine(e) };
  }
  registerCpuFixes();
  const b = tf.backend() as unknown as { firstUse?: boolean };
  if (b.firstUse === true) b.firstUse = false;
  return { ok: true, detail: "plain JavaScript: training runs hundreds of times slower than on wasm" };
}
