/**
 * The mutable state of a training run, in one place: the completed iteration, the history, the
 * best evaluation and its weights (kept in memory even without a save folder), the latest
 * checkpoint, the last evaluation, and whether the run completed. A fresh run starts from
 * `newTrainState()`; `restoreResume` fills it (and the model and optimizer) from a checkpoint.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../core/tf.ts";
import { ConfigError } from "../config/config_error.ts";
import { applyCheckpoint, loadCheckpoint, type LoadedCheckpoint } from "./checkpoint.ts";
import type { EvalResult } from "./evaluate.ts";
import { History } from "./history.ts";
import type { PreparedRun } from "./prepare_run.ts";
import type { BestEval, StopInfo } from "./train_types.ts";

/** What changes while a run trains. */
export interface TrainState {
  /** Iterations completed. */
  iter: number;
  history: History;
  best: BestEval | null;
  /** A copy of the best evaluated weights (owned by the state until handed to the result). */
  bestWeights: Map<string, tf.Tensor> | null;
  lastCheckpoint: string | null;
  /** The loss terms' names, from the last good step (or the history), for error messages. */
  knownTerms: string[];
  /** The last evaluation. */
  metrics: EvalResult | null;
  /** False once the run was stopped before its last iteration. */
  completed: boolean;
  /** Where it stopped and what it saved then, once stopped. */
  stopped: StopInfo | null;
}

/** The state of a run that starts at iteration 0. */
export function newTrainState(): TrainState {
  return {
    iter: 0,
    history: new History(),
    best: null,
    bestWeights: null,
    lastCheckpoint: null,
    knownTerms: [],
    metrics: null,
    completed: true,
    stopped: null,
  };
}

/** Frees the tensors the state owns (the kept best weights). */
export function disposeTrainState(state: TrainState): void {
  if (state.bestWeights) tf.dispose([...state.bestWeights.values()]);
  state.bestWeights = null;
}

/** True when `dir` holds a saved model. */
export function hasSavedModel(dir: string): boolean {
  return fs.existsSync(path.join(dir, "model.json"));
}

/**
 * Continues from a training checkpoint: its weights into the model, its optimizer state (when the
 * optimizer type matches), its iteration, history and best evaluation (weights from `best_model/`).
 * Disposes the checkpoint.
 */
export async function restoreResume(
  run: PreparedRun,
  state: TrainState,
  resumed: LoadedCheckpoint,
): Promise<void> {
  const { model, optimizer, saveDir, settings, log } = run;
  const st = resumed.state;
  if (!st) {
    throw new ConfigError(
      `resume: ${resumed.dir} has no train_state.json; it is a model, not a training checkpoint`,
    );
  }
  applyCheckpoint(model, resumed);
  if (resumed.optimizer && st.optimizer?.type === optimizer.type) optimizer.setState(resumed.optimizer);
  else if (st.optimizer) {
    log(
      `[WARNING] resume: the checkpoint's optimizer is ${st.optimizer.type}, this run's ${optimizer.type}; its state is not restored`,
    );
  }
  state.iter = st.iter;
  for (const r of st.history) state.history.push(r);
  state.knownTerms = state.history.terms;
  if (st.best) {
    // The metrics object of that evaluation is in the history; the weights in best_model/.
    const bestDir = saveDir ? path.join(saveDir, "best_model") : null;
    state.best = { iter: st.best.iter, miou: st.best.miou, metrics: null, dir: bestDir };
    if (bestDir && hasSavedModel(bestDir)) {
      const b = await loadCheckpoint(bestDir);
      state.bestWeights = new Map(Object.entries(b.weights));
    }
  }
  state.lastCheckpoint = resumed.dir;
  resumed.dispose();
  if (state.iter >= settings.iters) {
    log(`[INFO] resume: ${resumed.dir} is at iteration ${state.iter} of ${settings.iters}; nothing to do`);
  } else log(`[INFO] resume: continuing from iteration ${state.iter} (${resumed.dir})`);
}
