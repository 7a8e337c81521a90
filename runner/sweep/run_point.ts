/**
 * Runs one point of a sweep: the notebook with the fixed and the point's parameters, through the
 * runner, its executed copy at `<dir>/<name>.ipynb`, its log at `<dir>/logs/<name>.log`, and the
 * outcome (with the recorded values) at `<dir>/results/<name>.json`. The local engine and each
 * Slurm array task call it.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { runNotebook } from "../run_notebook.ts";
import { terminalLog } from "../terminal_log.ts";
import { RunUsageError } from "../exit_codes.ts";
import { type PointResult, type SweepManifest, type SweepPoint, writeResult } from "./manifest.ts";
import { recordsOf } from "./records.ts";

/** Options of {@linkcode runPoint}. */
export interface RunPointOptions {
  /** wasm threads for the point's kernel (`SEGLAB_WASM_THREADS`); default: inherited. */
  threads?: number;
  signal?: AbortSignal;
  /** Set in a Slurm array task: the job id kept with the result. */
  slurmJob?: string;
}

/**
 * Runs `point` of the sweep in `dir`; returns (and writes) its result. Never throws for a failed
 * run. A run stopped through `signal` writes no result file (the point is still to be run).
 */
export async function runPoint(
  dir: string,
  m: SweepManifest,
  point: SweepPoint,
  opts: RunPointOptions = {},
): Promise<PointResult> {
  const logFile = path.join(dir, point.log);
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const fd = fs.openSync(logFile, "a");
  const write = (t: string) => fs.writeSync(fd, t);
  const startTime = new Date().toISOString();
  const t0 = performance.now();
  write(`# ${startTime} ${point.name}${opts.slurmJob ? ` (Slurm job ${opts.slurmJob})` : ""}\n`);
  const env: Record<string, string | undefined> = { ...process.env };
  if (opts.threads) env.SEGLAB_WASM_THREADS = String(opts.threads);
  let result: PointResult;
  try {
    const r = await runNotebook(m.notebook, {
      out: path.join(dir, point.output),
      parameters: { ...m.fixed, ...point.parameters },
      kernel: m.kernel,
      timeout: m.timeout,
      startupTimeout: m.startupTimeout,
      cwd: m.cwd,
      env,
      signal: opts.signal,
      log: terminalLog({ write, outputs: true, color: false }),
    });
    result = {
      status: r.exitCode === 0 ? "completed" : "failed",
      exitCode: r.exitCode,
      duration: Number(r.duration.toFixed(3)),
      startTime,
      endTime: new Date().toISOString(),
      message: r.message,
      records: recordsOf(r.notebook),
    };
  } catch (e) {
    const usage = e instanceof RunUsageError;
    write(`${usage ? "" : "internal error: "}${(e as Error).stack ?? e}\n`);
    result = {
      status: "failed",
      exitCode: usage ? 2 : 70,
      duration: Number(((performance.now() - t0) / 1000).toFixed(3)),
      startTime,
      endTime: new Date().toISOString(),
      message: (e as Error).message.split("\n")[0],
      records: {},
    };
  } finally {
    write(`# ${new Date().toISOString()} end\n`);
  }
  fs.closeSync(fd);
  if (opts.slurmJob) result.slurmJob = opts.slurmJob;
  if (!result.message) delete result.message;
  // A run stopped by the sweep's own abort is not an outcome: the point stays to be run again.
  if (!opts.signal?.aborted) await writeResult(dir, point.name, result);
  return result;
}
