/**
 * Sweeps: a notebook run over a grid of parameters (`nb sweep`), on this machine or a Slurm
 * cluster, its recorded results gathered into one table and compared over seeds.
 * @module
 */
export { readRecords, recordsOf } from "./records.ts";
export {
  checkAxes,
  expandGrid,
  GridError,
  paramsHash,
  parseGridArg,
  pointName,
  pointNames,
  readGridFile,
  splitTopLevel,
} from "./grid.ts";
export type { GridAxis } from "./grid.ts";
export { MANIFEST, mergeResults, readManifest, SweepError } from "./manifest.ts";
export type { PointResult, PointStatus, SlurmSubmission, SweepManifest, SweepPoint } from "./manifest.ts";
export { prepareSweep, runSweep } from "./sweep.ts";
export type { SweepOptions, SweepResult } from "./sweep.ts";
export { arraySpec, sbatchScript } from "./slurm_engine.ts";
export type { SlurmOptions } from "./slurm_engine.ts";
export { gatherSweep, parameterColumns, sweepRows } from "./gather.ts";
export type { GatherOptions } from "./gather.ts";
export { compareSweep } from "./compare.ts";
export type { CompareOptions, PairedDifference, SettingSummary, SweepComparison } from "./compare.ts";
export { incompleteBeta, studentTCdf, studentTQuantile } from "./student_t.ts";
