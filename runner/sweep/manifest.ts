/**
 * The sweep manifest, `<dir>/sweep.json`: what the sweep runs (notebook, kernel, fixed
 * parameters, grid) and each point's parameters, status, exit code, duration and records. Only
 * the process driving the sweep writes it, atomically, after every change; a point's run writes
 * its own `<dir>/results/<name>.json` (also from a Slurm array task), which the driver merges.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { writeFileAtomic } from "../../lib/core/files.ts";
import type { JsonValue } from "../../kernel/record.ts";
import type { ParamValue } from "../translators.ts";
import type { GridAxis } from "./grid.ts";

/** The manifest's file name inside the sweep folder. */
export const MANIFEST = "sweep.json";

/** Where a point stands. */
export type PointStatus = "pending" | "running" | "submitted" | "completed" | "failed";

/** One point of the grid. */
export interface SweepPoint {
  index: number;
  /** File-name-safe name, also the output notebook's (`<name>.ipynb`). */
  name: string;
  /** The grid parameters of this point (the fixed ones are in the manifest). */
  parameters: Record<string, ParamValue>;
  status: PointStatus;
  exitCode?: number;
  /** Seconds the run took. */
  duration?: number;
  startTime?: string;
  endTime?: string;
  /** One line on what went wrong. */
  message?: string;
  records?: Record<string, JsonValue>;
  /** Output notebook and log, relative to the sweep folder. */
  output: string;
  log: string;
  /** The Slurm job id (`<array job>_<index>`) when it ran there. */
  slurmJob?: string;
}

/** A submitted Slurm array job. */
export interface SlurmSubmission {
  jobId: string;
  points: number[];
  script: string;
  submitted: string;
}

/** The manifest. */
export interface SweepManifest {
  version: 1;
  /** The notebook, absolute. */
  notebook: string;
  kernel?: string;
  timeout?: number;
  startupTimeout?: number;
  cwd?: string;
  /** Parameters every point gets (`-p`). */
  fixed: Record<string, ParamValue>;
  grid: GridAxis[];
  created: string;
  updated: string;
  points: SweepPoint[];
  slurm?: { submissions: SlurmSubmission[] };
}

/** What one point's run leaves in `results/<name>.json`. */
export interface PointResult {
  status: "completed" | "failed";
  exitCode: number;
  duration: number;
  startTime: string;
  endTime: string;
  message?: string;
  records: Record<string, JsonValue>;
  slurmJob?: string;
}

/** A sweep folder that cannot be used (the message says why and what to do). */
export class SweepError extends Error {
  override name = "SweepError";
}

/** The manifest path of a sweep folder. */
export function manifestPath(dir: string): string {
  return path.join(dir, MANIFEST);
}

/** The result file of a point. */
export function resultPath(dir: string, name: string): string {
  return path.join(dir, "results", `${name}.json`);
}

/** Reads `<dir>/sweep.json`, or undefined when there is none. @throws {SweepError} when unreadable. */
export function readManifest(dir: string): SweepManifest | undefined {
  const p = manifestPath(dir);
  let text: string;
  try {
    text = fs.readFileSync(p, "utf8");
  } catch (e) {
    if ((e as { code?: string }).code === "ENOENT") return undefined;
    throw new SweepError(`cannot read the sweep manifest ${p}: ${(e as Error).message}`);
  }
  try {
    const m = JSON.parse(text) as SweepManifest;
    if (m.version !== 1 || !Array.isArray(m.points)) {
      throw new Error("not a seglab sweep manifest (version 1)");
    }
    return m;
  } catch (e) {
    throw new SweepError(
      `the sweep manifest ${p} is damaged (${(e as Error).message}); move it away to start over`,
    );
  }
}

/** Writes the manifest atomically. */
export async function writeManifest(dir: string, m: SweepManifest): Promise<void> {
  m.updated = new Date().toISOString();
  await writeFileAtomic(manifestPath(dir), JSON.stringify(m, null, 1) + "\n");
}

/** Reads a point's result file, or undefined when there is none (or it is unreadable). */
export function readResult(dir: string, name: string): PointResult | undefined {
  try {
    return JSON.parse(fs.readFileSync(resultPath(dir, name), "utf8")) as PointResult;
  } catch {
    return undefined;
  }
}

/** Writes a point's result file atomically. */
export async function writeResult(dir: string, name: string, r: PointResult): Promise<void> {
  await writeFileAtomic(resultPath(dir, name), JSON.stringify(r, null, 1) + "\n");
}

/**
 * Copies finished results from `results/*.json` into points not yet marked finished (or
 * finished earlier than the result); returns how many changed.
 */
export function mergeResults(dir: string, m: SweepManifest): number {
  let changed = 0;
  for (const p of m.points) {
    const r = readResult(dir, p.name);
    if (!r) continue;
    if ((p.status === "completed" || p.status === "failed") && p.endTime && p.endTime >= r.endTime) continue;
    Object.assign(p, {
      status: r.status,
      exitCode: r.exitCode,
      duration: r.duration,
      startTime: r.startTime,
      endTime: r.endTime,
      message: r.message,
      records: r.records,
    });
    if (r.slurmJob) p.slurmJob = r.slurmJob;
    if (!r.message) delete p.message;
    changed++;
  }
  return changed;
}
