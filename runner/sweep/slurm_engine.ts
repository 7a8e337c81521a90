/**
 * The Slurm engine: the sweep's points as one `sbatch` job array (one array task per point, its
 * index the point's index in the manifest), each task running `runner/sweep/task_main.ts` for its
 * point with this checkout's Deno. The submitting process follows the tasks with `squeue` (and
 * `scontrol show job` for a task that ended without a result; `sacct` where accounting is on) and
 * merges their results into the manifest as they finish. The job id is kept in the manifest, so
 * the same command, run again after the submitting process died, follows the same job instead of
 * submitting the points twice. The cluster's nodes must see this checkout and the sweep folder
 * (a shared file system), as they see any job's files.
 * @module
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Progress } from "../../lib/display/progress.ts";
import { writeFileAtomic } from "../../lib/core/files.ts";
import { mergeResults, SweepError, type SweepManifest, type SweepPoint, writeManifest } from "./manifest.ts";

/** Options of the Slurm engine (`--cpus-per-task`, `--time`, `--mem`, `--sbatch-arg`). */
export interface SlurmOptions {
  cpusPerTask?: number;
  /** Slurm's time format (`30`, `1:00:00`, `1-0`). */
  time?: string;
  /** Slurm's memory format (`4G`). */
  mem?: string;
  /** More `sbatch` options, written as `#SBATCH` lines (`--partition=gpu`, `--qos=short`). */
  sbatchArgs?: string[];
  /** Seconds between two looks at the queue (default 5). */
  pollSeconds?: number;
  /** Submit and return without following the tasks. */
  noWait?: boolean;
}

interface RunSlurmOptions extends SlurmOptions {
  threads?: number;
  signal?: AbortSignal;
  say: (line: string) => void;
}

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const TASK_MAIN = fileURLToPath(new URL("./task_main.ts", import.meta.url));

/** Runs a Slurm command; throws SweepError when it is missing or fails (unless `allowFail`). */
export function slurmCommand(
  cmd: string,
  args: string[],
  opts: { allowFail?: boolean } = {},
): { ok: boolean; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 60_000 });
  if (r.error) {
    const missing = (r.error as { code?: string }).code === "ENOENT";
    throw new SweepError(
      missing
        ? `${cmd} not found: --engine slurm needs Slurm's commands (sbatch, squeue, scontrol) on PATH`
        : `${cmd} ${args.join(" ")} failed: ${r.error.message}`,
    );
  }
  const ok = r.status === 0;
  if (!ok && !opts.allowFail) {
    throw new SweepError(
      `${[cmd, ...args].join(" ")} failed (exit ${r.status}): ${(r.stderr || r.stdout).trim()}`,
    );
  }
  return { ok, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

const shellQuote = (s: string) => /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;

/** Slurm's compact list of array indices: 0-3,7,9-10. */
export function arraySpec(indices: number[]): string {
  const xs = [...new Set(indices)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < xs.length; i++) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j] + 1) j++;
    parts.push(j > i ? `${xs[i]}-${xs[j]}` : `${xs[i]}`);
    i = j;
  }
  return parts.join(",");
}

/** The job-array script for `points` of the sweep in `dir`. */
export function sbatchScript(dir: string, points: SweepPoint[], opts: RunSlurmOptions): string {
  const deno = Deno.execPath();
  const lines = [
    "#!/bin/bash",
    `#SBATCH --job-name=seglab-sweep`,
    `#SBATCH --array=${arraySpec(points.map((p) => p.index))}`,
    `#SBATCH --output=${path.join(dir, "logs", "slurm-%A_%a.out")}`,
    `#SBATCH --cpus-per-task=${opts.cpusPerTask ?? 1}`,
    ...(opts.time ? [`#SBATCH --time=${opts.time}`] : []),
    ...(opts.mem ? [`#SBATCH --mem=${opts.mem}`] : []),
    ...(opts.sbatchArgs ?? []).map((a) => `#SBATCH ${a}`),
    "# One array task per sweep point: the task index is the point's index in sweep.json.",
    "set -eu",
    `cd ${shellQuote(REPO)}`,
    opts.threads
      ? `export SEGLAB_WASM_THREADS=${opts.threads}`
      : `export SEGLAB_WASM_THREADS="\${SLURM_CPUS_PER_TASK:-1}"`,
    `exec ${shellQuote(deno)} run -A ${shellQuote(TASK_MAIN)} ${shellQuote(dir)} "$SLURM_ARRAY_TASK_ID"`,
    "",
  ];
  return lines.join("\n");
}

/** Submits the points not yet on Slurm and follows all of them until they end. */
export async function runSlurm(
  dir: string,
  m: SweepManifest,
  todo: SweepPoint[],
  opts: RunSlurmOptions,
): Promise<void> {
  if (todo.length === 0) return;
  const say = opts.say;
  const fresh = todo.filter((p) => p.status !== "submitted");
  if (fresh.length) {
    m.slurm ??= { submissions: [] };
    const n = m.slurm.submissions.length + 1;
    const script = path.join(dir, "slurm", `sweep-${n}.sbatch`);
    fs.mkdirSync(path.join(dir, "logs"), { recursive: true });
    for (const p of fresh) fs.rmSync(path.join(dir, "results", `${p.name}.json`), { force: true });
    await writeFileAtomic(script, sbatchScript(dir, fresh, opts));
    const out = slurmCommand("sbatch", ["--parsable", script]).stdout.trim();
    const jobId = out.split(";")[0];
    if (!/^\d+$/.test(jobId)) {
      throw new SweepError(`sbatch ${script} answered ${JSON.stringify(out)}, not a job id`);
    }
    m.slurm.submissions.push({
      jobId,
      points: fresh.map((p) => p.index),
      script: path.relative(dir, script),
      submitted: new Date().toISOString(),
    });
    for (const p of fresh) {
      p.status = "submitted";
      p.slurmJob = `${jobId}_${p.index}`;
      delete p.exitCode;
      delete p.message;
    }
    await writeManifest(dir, m);
    say(`sweep: submitted ${fresh.length} point(s) as Slurm job array ${jobId} (${script})`);
  }
  const following = todo.filter((p) => p.status === "submitted");
  const resumed = following.length - fresh.length;
  if (resumed > 0) say(`sweep: following ${resumed} point(s) already submitted to Slurm`);
  if (opts.noWait) return;
  await follow(dir, m, following, opts);
}

function activeTasks(jobIds: string[]): Map<string, string> {
  const r = slurmCommand("squeue", ["-h", "-r", "-j", jobIds.join(","), "-o", "%i %T"], { allowFail: true });
  const active = new Map<string, string>();
  if (!r.ok) {
    // Every job purged from the queue: squeue says "Invalid job id specified".
    if (/invalid job id/i.test(r.stderr)) return active;
    throw new SweepError(`squeue failed: ${r.stderr.trim()}`);
  }
  for (const line of r.stdout.split("\n")) {
    const [id, state] = line.trim().split(/\s+/);
    if (id) active.set(id, state);
  }
  return active;
}

/** What Slurm still knows of an ended task: state and exit code (scontrol, else sacct). */
function endedState(task: string): string | undefined {
  const sc = slurmCommand("scontrol", ["show", "job", task], { allowFail: true });
  if (sc.ok) {
    const state = /JobState=(\S+)/.exec(sc.stdout)?.[1];
    const code = /ExitCode=(\S+)/.exec(sc.stdout)?.[1];
    const reason = /Reason=(\S+)/.exec(sc.stdout)?.[1];
    if (state) {
      return `${state}${code ? `, exit ${code}` : ""}${reason && reason !== "None" ? `, ${reason}` : ""}`;
    }
  }
  const sa = slurmCommand("sacct", ["-n", "-P", "-X", "-j", task, "-o", "State,ExitCode"], {
    allowFail: true,
  });
  if (sa.ok && sa.stdout.trim()) return sa.stdout.trim().split("\n")[0].replace("|", ", exit ");
  return undefined;
}

async function follow(
  dir: string,
  m: SweepManifest,
  points: SweepPoint[],
  opts: RunSlurmOptions,
): Promise<void> {
  const say = opts.say;
  const poll = (opts.pollSeconds ?? 5) * 1000;
  const progress = new Progress({ total: points.length, label: "sweep (slurm)", unit: "pt" }).start();
  const gone = new Map<string, number>(); // task → polls since it left the queue without a result
  let open = points.slice();
  while (open.length) {
    if (opts.signal?.aborted) {
      const jobs = [...new Set(open.map((p) => p.slurmJob!.split("_")[0]))];
      say(
        `sweep: stopped following; the Slurm tasks keep running (scancel ${jobs.join(" ")} stops them). ` +
          `Run the same command again to follow and gather them.`,
      );
      progress.fail({ following: open.length });
      return;
    }
    mergeResults(dir, m);
    const active = activeTasks([...new Set(open.map((p) => p.slurmJob!.split("_")[0]))]);
    for (const p of open) {
      if (p.status === "completed" || p.status === "failed") {
        say(
          `${
            p.status === "completed" ? "ok    " : `FAILED (exit ${p.exitCode})`
          } ${p.name} (Slurm ${p.slurmJob}, ${(p.duration ?? 0).toFixed(1)} s)${
            p.message ? `  ${p.message}; log ${path.join(dir, p.log)}` : ""
          }`,
        );
        continue;
      }
      if (active.has(p.slurmJob!)) {
        if (active.get(p.slurmJob!) === "RUNNING" && p.startTime === undefined) {
          p.startTime = new Date().toISOString();
        }
        continue;
      }
      // Left the queue: its result file may lag behind on a shared file system; give it 3 polls.
      const n = (gone.get(p.slurmJob!) ?? 0) + 1;
      gone.set(p.slurmJob!, n);
      if (n < 3) continue;
      const state = endedState(p.slurmJob!) ?? "no longer known to Slurm";
      const slurmLog = path.join(dir, "logs", `slurm-${p.slurmJob}.out`);
      Object.assign(p, {
        status: "failed",
        exitCode: 1,
        endTime: new Date().toISOString(),
        message: `Slurm task ${p.slurmJob} ended without a result (${state}); see ${slurmLog}`,
      });
      say(`FAILED ${p.name}: ${p.message}`);
    }
    const before = open.length;
    open = open.filter((p) => p.status === "submitted");
    if (open.length !== before) {
      await writeManifest(dir, m);
      progress.update(points.length - open.length, {
        failed: points.filter((p) => p.status === "failed").length,
      });
    }
    if (open.length) await sleep(poll, opts.signal);
  }
  progress.done({ failed: points.filter((p) => p.status === "failed").length });
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done);
  });
}

/** The point with array index `index` (for task_main). */
export function pointAt(m: SweepManifest, index: number): SweepPoint {
  const p = m.points.find((x) => x.index === index);
  if (!p) throw new SweepError(`the sweep has no point ${index} (it has 0-${m.points.length - 1})`);
  return p;
}

/** This process's Slurm array task id, as `<job>_<index>`, or undefined outside Slurm. */
export function slurmTaskId(): string | undefined {
  const job = process.env.SLURM_ARRAY_JOB_ID, idx = process.env.SLURM_ARRAY_TASK_ID;
  return job && idx ? `${job}_${idx}` : undefined;
}
