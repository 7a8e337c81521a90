/**
 * Phase 4 of a training run: every `save_interval` iterations (and at the last) a checkpoint is
 * written to `<save_dir>/iter_<k>/` (weights, optimizer state, iteration, config, history,
 * atomically), `history.csv` is rewritten, and checkpoints beyond `keep_checkpoint_max` are
 * removed. `saveIterCheckpoint` is the one place an iteration checkpoint is written (the loop's
 * interval and final saves go through it).
 * @module
 */
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { type CheckpointState, listCheckpoints, saveCheckpoint } from "./checkpoint.ts";
import type { PreparedRun } from "./prepare_run.ts";
import type { TrainState } from "./run_state.ts";

/** The training state a checkpoint records (the checkpoint writer adds format, time and optimizer). */
export function checkpointState(
  run: PreparedRun,
  state: TrainState,
  extra?: Record<string, unknown>,
): Omit<CheckpointState, "format" | "version" | "savedAt" | "backend" | "optimizer"> {
  const { best } = state;
  return {
    iter: state.iter,
    iters: run.settings.iters,
    seed: run.seed,
    model: run.model.config,
    config: run.cfg,
    history: state.history.toJSON(),
    best: best ? { iter: best.iter, miou: best.miou } : null,
    extra: {
      baseDir: run.baseDir,
      ...(run.spec.startedFrom ? { startedFrom: run.spec.startedFrom } : {}),
      ...extra,
    },
  };
}

/** True when the run writes a checkpoint after iteration `iter`. */
export function shouldCheckpoint(run: PreparedRun, iter: number): boolean {
  return run.saveDir !== null && (iter % run.settings.saveInterval === 0 || iter === run.settings.iters);
}

/**
 * Writes `iter_<k>/` for the state's iteration, then `history.csv`, then prunes old checkpoints.
 * Returns the checkpoint folder. Needs a save folder.
 */
export async function saveIterCheckpoint(run: PreparedRun, state: TrainState): Promise<string> {
  const saveDir = run.saveDir!;
  const dir = path.join(saveDir, `iter_${state.iter}`);
  await saveCheckpoint(dir, {
    model: run.model,
    optimizer: run.optimizer,
    state: checkpointState(run, state),
  });
  state.lastCheckpoint = dir;
  await state.history.save(path.join(saveDir, "history.csv"));
  const old = listCheckpoints(saveDir);
  for (const c of old.slice(0, Math.max(0, old.length - run.settings.keepCheckpointMax))) {
    await fsp.rm(c.dir, { recursive: true, force: true });
  }
  run.emit({ type: "checkpoint", iter: state.iter, dir });
  return dir;
}
