/**
 * `runSweep(notebook, options)`: runs a notebook over the Cartesian product of a parameter grid
 * — one executed notebook per point in the output folder, a manifest (`sweep.json`) rewritten
 * after every point — on this machine (a pool of kernels) or as a Slurm job array. Running it
 * again on the same folder resumes: completed points are skipped, failed ones are listed (and run
 * again with `retryFailed`), points still queued on Slurm are followed, not submitted twice.
 *
 * @example
 * ```ts
 * import { parseGridArg, runSweep } from "seglab/runner";
 * const r = await runSweep("notebooks/lovasz_hinge_roads.ipynb", {
 *   out: "out/sweep/",
 *   axes: [parseGridArg("loss=ce,hinge"), parseGridArg("seed=1,2,3")],
 *   fixed: { iters: 20 },
 *   jobs: 2,
 * });
 * console.log(r.exitCode, r.manifest.points.map((p) => [p.name, p.status, p.records?.miou]));
 * ```
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import { Progress } from "../../lib/display/progress.ts";
import { RunUsageError } from "../exit_codes.ts";
import { NotebookError, readNotebook } from "../notebook.ts";
import { notebookParameters } from "../parameters.ts";
import { resolveKernelSpec } from "../run_notebook.ts";
import { type ParamValue, TranslatorError, translatorFor } from "../translators.ts";
import { checkAxes, expandGrid, type GridAxis, GridError, pointNames } from "./grid.ts";
import {
  mergeResults,
  readManifest,
  SweepError,
  type SweepManifest,
  type SweepPoint,
  writeManifest,
} from "./manifest.ts";
import { runPoint } from "./run_point.ts";
import { runSlurm, type SlurmOptions } from "./slurm_engine.ts";

/** Options of {@linkcode runSweep}. */
export interface SweepOptions {
  /** The sweep folder (created; reused to resume). */
  out: string;
  /** The grid's axes (`-g`, `--grid`). */
  axes: GridAxis[];
  /** Parameters every point gets (`-p`). */
  fixed?: Record<string, ParamValue>;
  kernel?: string;
  /** Per-cell timeout in seconds. */
  timeout?: number;
  startupTimeout?: number;
  cwd?: string;
  /** "local" (default) or "slurm". */
  engine?: "local" | "slurm";
  /** Local engine: kernels at once (default 1). */
  jobs?: number;
  /** wasm threads per kernel (default: this machine's cores divided among the jobs; Slurm: cpus-per-task). */
  threads?: number;
  /** Run the points that failed before again. */
  retryFailed?: boolean;
  slurm?: SlurmOptions;
  signal?: AbortSignal;
  /** Where progress lines go (default: stderr). */
  say?: (line: string) => void;
  /** Show a progress bar for the sweep (default true). */
  progress?: boolean;
}

/** What {@linkcode runSweep} returns. */
export interface SweepResult {
  dir: string;
  manifest: SweepManifest;
  /** Points run (or followed on Slurm) by this call. */
  ran: number;
  /** Points already completed before this call. */
  skipped: number;
  /** Points failed at the end (also those not retried). */
  failed: SweepPoint[];
  /** 0 all completed · 1 a point failed · 130 stopped. */
  exitCode: number;
}

async function declaredNames(notebook: string, kernel: string | undefined): Promise<Set<string>> {
  let nb;
  try {
    nb = await readNotebook(notebook);
  } catch (e) {
    if (e instanceof NotebookError) throw new RunUsageError(e.message);
    throw e;
  }
  const name = kernel ?? nb.metadata.kernelspec?.name;
  if (!name) throw new RunUsageError(`${notebook} names no kernel (metadata.kernelspec.name); pass --kernel`);
  const spec = await resolveKernelSpec(name);
  try {
    const t = translatorFor(spec.language || nb.metadata.kernelspec?.language || "");
    return new Set(notebookParameters(nb, t).map((p) => p.name));
  } catch (e) {
    if (e instanceof TranslatorError) throw new RunUsageError(e.message);
    throw e;
  }
}

/**
 * Creates or extends the manifest in `opts.out` for this grid; checks the notebook and that every
 * parameter is declared in its parameters cell.
 * @throws {RunUsageError} for bad input (exit code 2), {@linkcode GridError}, {@linkcode SweepError}.
 */
export async function prepareSweep(notebook: string, opts: SweepOptions): Promise<SweepManifest> {
  const nbPath = path.resolve(notebook);
  const dir = path.resolve(opts.out);
  checkAxes(opts.axes);
  if (opts.axes.length === 0) {
    throw new GridError("no grid: give -g name=v1,v2,… (one per parameter) or --grid <file.yaml>");
  }
  const fixed = opts.fixed ?? {};
  const declared = await declaredNames(nbPath, opts.kernel);
  for (const n of [...opts.axes.map((a) => a.name), ...Object.keys(fixed)]) {
    if (!declared.has(n)) {
      throw new RunUsageError(
        `unknown parameter "${n}": ${notebook}'s parameters cell declares ${
          declared.size ? [...declared].join(", ") : "nothing"
        } (see npm run nb -- params ${notebook})`,
      );
    }
  }
  const inGrid = opts.axes.map((a) => a.name).find((n) => n in fixed);
  if (inGrid) throw new GridError(`"${inGrid}" is both a grid axis (-g) and a fixed parameter (-p)`);
  const points = expandGrid(opts.axes);
  const names = pointNames(points);
  const now = new Date().toISOString();
  let m = readManifest(dir);
  if (m) {
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const diff = m.notebook !== nbPath
      ? `notebook ${m.notebook}`
      : !same(m.fixed, fixed)
      ? `fixed parameters ${JSON.stringify(m.fixed)}`
      : (m.kernel ?? null) !== (opts.kernel ?? null)
      ? `kernel ${m.kernel ?? "(the notebook's)"}`
      : undefined;
    if (diff) {
      throw new SweepError(
        `${dir} holds a sweep with another ${diff}; resume it with the same notebook, -p and --kernel, or use another --out`,
      );
    }
    m.grid = opts.axes;
  } else {
    m = {
      version: 1,
      notebook: nbPath,
      kernel: opts.kernel,
      timeout: opts.timeout,
      startupTimeout: opts.startupTimeout,
      cwd: opts.cwd ? path.resolve(opts.cwd) : undefined,
      fixed,
      grid: opts.axes,
      created: now,
      updated: now,
      points: [],
    };
  }
  if (opts.timeout !== undefined) m.timeout = opts.timeout;
  const known = new Map(m.points.map((p) => [p.name, p]));
  points.forEach((params, i) => {
    if (known.has(names[i])) return;
    m!.points.push({
      index: m!.points.length,
      name: names[i],
      parameters: params,
      status: "pending",
      output: `${names[i]}.ipynb`,
      log: path.join("logs", `${names[i]}.log`),
    });
  });
  mergeResults(dir, m);
  await writeManifest(dir, m);
  return m;
}

/**
 * Takes `<dir>/sweep.lock` for this process; throws SweepError when a live process on this host
 * holds it (a lock left by a killed process is taken over). Returns the release function.
 */
function lockSweep(dir: string): () => void {
  const file = path.join(dir, "sweep.lock");
  fs.mkdirSync(dir, { recursive: true });
  try {
    const held = JSON.parse(fs.readFileSync(file, "utf8")) as { pid: number; host: string };
    if (held.host === os.hostname() && held.pid !== process.pid && alive(held.pid)) {
      throw new SweepError(
        `another nb sweep (pid ${held.pid}) is running on ${dir}; wait for it or stop it (kill ${held.pid})`,
      );
    }
  } catch (e) {
    if (e instanceof SweepError) throw e;
  }
  fs.writeFileSync(
    file,
    JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() }),
  );
  return () => fs.rmSync(file, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** Runs (or resumes) a sweep; see the module documentation. */
export async function runSweep(notebook: string, opts: SweepOptions): Promise<SweepResult> {
  const dir = path.resolve(opts.out);
  const unlock = lockSweep(dir);
  try {
    return await drive(dir, await prepareSweep(notebook, opts), opts);
  } finally {
    unlock();
  }
}

async function drive(dir: string, m: SweepManifest, opts: SweepOptions): Promise<SweepResult> {
  const say = opts.say ?? ((l: string) => console.error(l));
  const wanted = new Set(pointNames(expandGrid(opts.axes)));
  const mine = m.points.filter((p) => wanted.has(p.name));
  const done = mine.filter((p) => p.status === "completed");
  const failedBefore = mine.filter((p) => p.status === "failed");
  if (done.length) say(`sweep: ${done.length} of ${mine.length} points already completed in ${dir}; skipped`);
  if (failedBefore.length) {
    say(
      `sweep: ${failedBefore.length} point(s) failed before${
        opts.retryFailed ? "; running them again (--retry-failed)" : " (not run again; pass --retry-failed):"
      }`,
    );
    if (!opts.retryFailed) {
      for (const p of failedBefore) {
        say(`  ${p.name}: exit ${p.exitCode}, ${p.message ?? ""} (log ${path.join(dir, p.log)})`);
      }
    }
  }
  const todo = mine.filter((p) =>
    p.status === "pending" || p.status === "running" || p.status === "submitted" ||
    (p.status === "failed" && opts.retryFailed)
  );
  const onSlurm = todo.filter((p) => p.status === "submitted");
  if (opts.engine !== "slurm" && onSlurm.length) {
    throw new SweepError(
      `${onSlurm.length} point(s) of ${dir} are on Slurm (job ${onSlurm[0].slurmJob?.split("_")[0]}); ` +
        `follow them with --engine slurm (after scancel, that marks them failed; then --retry-failed runs them here)`,
    );
  }
  if (opts.engine === "slurm") {
    await runSlurm(dir, m, todo, { ...opts.slurm, threads: opts.threads, signal: opts.signal, say });
  } else {
    await runLocal(dir, m, todo, opts, say);
  }
  mergeResults(dir, m);
  await writeManifest(dir, m);
  const failed = mine.filter((p) => p.status === "failed");
  const left = mine.filter((p) => p.status !== "completed" && p.status !== "failed");
  say(
    `sweep: ${mine.filter((p) => p.status === "completed").length} of ${mine.length} points completed` +
      (failed.length ? `, ${failed.length} failed` : "") + (left.length ? `, ${left.length} not run` : "") +
      `; manifest ${path.join(dir, "sweep.json")}`,
  );
  for (const p of failed) {
    say(`  FAILED ${p.name}: exit ${p.exitCode}, ${p.message ?? ""} (log ${path.join(dir, p.log)})`);
  }
  return {
    dir,
    manifest: m,
    ran: todo.length,
    skipped: done.length,
    failed,
    exitCode: opts.signal?.aborted ? 130 : failed.length || left.length ? 1 : 0,
  };
}

/** The local engine: a pool of `jobs` kernels, the cores divided among them. */
async function runLocal(
  dir: string,
  m: SweepManifest,
  todo: SweepPoint[],
  opts: SweepOptions,
  say: (l: string) => void,
): Promise<void> {
  if (todo.length === 0) return;
  const jobs = Math.max(1, Math.min(opts.jobs ?? 1, todo.length));
  const threads = opts.threads ?? Math.max(1, Math.floor(os.cpus().length / jobs));
  say(`sweep: running ${todo.length} point(s), ${jobs} at once, ${threads} wasm thread(s) each`);
  const progress = opts.progress === false
    ? undefined
    : new Progress({ total: todo.length, label: "sweep", unit: "pt" });
  progress?.start();
  let writing: Promise<void> = Promise.resolve();
  const save = () => (writing = writing.then(() => writeManifest(dir, m)));
  let next = 0, finished = 0, failed = 0;
  const worker = async () => {
    while (next < todo.length && !opts.signal?.aborted) {
      const p = todo[next++];
      p.status = "running";
      p.startTime = new Date().toISOString();
      await save();
      const r = await runPoint(dir, m, p, { threads, signal: opts.signal });
      if (opts.signal?.aborted) {
        p.status = "pending";
      } else {
        mergeResults(dir, m);
        finished++;
        if (r.status === "failed") failed++;
        const rec = Object.entries(r.records).filter(([, v]) => typeof v === "number").slice(0, 3)
          .map(([k, v]) => `${k}=${Number.isInteger(v) ? v : (v as number).toPrecision(4)}`).join(" ");
        say(
          `${r.status === "completed" ? "ok    " : `FAILED (exit ${r.exitCode})`} ${p.name} (${
            r.duration.toFixed(1)
          } s)${rec ? `  ${rec}` : ""}${r.message ? `  ${r.message}; log ${path.join(dir, p.log)}` : ""}`,
        );
        progress?.update(finished, { failed });
      }
      await save();
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  await writing;
  if (opts.signal?.aborted) progress?.fail({ stopped: todo.length - finished });
  else progress?.done({ failed });
}
