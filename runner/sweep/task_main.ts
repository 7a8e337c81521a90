/**
 * One Slurm array task of a sweep: `deno run -A runner/sweep/task_main.ts <sweep dir> <index>`
 * runs point `<index>` of `<sweep dir>/sweep.json` and writes its result file; the exit code is
 * the run's (0 ok, 1 a cell raised, …). The job-array script written by the Slurm engine calls it.
 * @module
 */
import process from "node:process";
import { readManifest } from "./manifest.ts";
import { runPoint } from "./run_point.ts";
import { pointAt, slurmTaskId } from "./slurm_engine.ts";

if (import.meta.main) {
  const [dir, index] = process.argv.slice(2);
  try {
    if (!dir || !/^\d+$/.test(index ?? "")) throw new Error("usage: task_main.ts <sweep dir> <point index>");
    const m = readManifest(dir);
    if (!m) throw new Error(`${dir} holds no sweep.json`);
    const point = pointAt(m, Number(index));
    const threads = Number(process.env.SEGLAB_WASM_THREADS) || undefined;
    const r = await runPoint(dir, m, point, { threads, slurmJob: slurmTaskId() });
    console.log(
      `${r.status} ${point.name} (exit ${r.exitCode}, ${r.duration} s)${r.message ? `: ${r.message}` : ""}`,
    );
    process.exit(r.exitCode);
  } catch (e) {
    console.error(`seglab sweep task: ${(e as Error).message}`);
    process.exit(2);
  }
}
