/**
 * Sweeps: a notebook run over a grid of parameters (`nb sweep`), on this machine or a Slurm
 * cluster, its recorded results gathered into one table and compared over seeds.
 * @module
 */
export { readRecords, recordsOf } from "./records.ts";
