/**
 * Phase 3 of a training run: every `eval_interval` iterations (and at the last) the validation set
 * is evaluated (mIoU, per-class IoU, accuracy, kappa), the result goes into the history, and an
 * improved mIoU becomes the best model: its weights are copied into the state and, with a save
 * folder, written to `best_model/`.
 * @module
 */
import * as path from "node:path";
import { metricsLine } from "../metrics/seg_metrics.ts";
import { saveCheckpoint } from "./checkpoint.ts";
import { checkpointState } from "./checkpoint_phase.ts";
import { type EvalResult, evaluate } from "./evaluate.ts";
import { evalColumns } from "./history.ts";
import type { PreparedRun } from "./prepare_run.ts";
import type { TrainState } from "./run_state.ts";
import { fmt } from "./train_log.ts";
import { tf } from "../core/tf.ts";

/** True when the run evaluates after iteration `iter`. */
export function shouldEvaluate(run: PreparedRun, iter: number): boolean {
  return run.doEval && (iter % run.settings.evalInterval === 0 || iter === run.settings.iters);
}

/** Keeps the model's current weights as the best (in the state, and in `best_model/` when saving). */
async function keepBest(run: PreparedRun, state: TrainState, metrics: EvalResult): Promise<void> {
  const { model, saveDir } = run;
  const iter = state.iter;
  state.best = { iter, miou: metrics.miou, metrics, dir: saveDir ? path.join(saveDir, "best_model") : null };
  if (state.bestWeights) tf.dispose([...state.bestWeights.values()]);
  state.bestWeights = new Map(model.namedWeights().map((w) => [w.name, w.tensor.clone()]));
  if (saveDir) {
    const { miou, acc, kappa, dice, classIoU } = metrics;
    await saveCheckpoint(path.join(saveDir, "best_model"), {
      model,
      state: checkpointState(run, state, { metrics: { miou, acc, kappa, dice, classIoU } }),
    });
  }
}

/** Evaluates on the validation set at the state's iteration; returns whether the mIoU improved. */
export async function evaluationPhase(run: PreparedRun, state: TrainState): Promise<boolean> {
  const iter = state.iter;
  // A stop cuts the evaluation short (a StoppedError the loop treats as the stop).
  const metrics = await evaluate(run.model, run.valDs!, {
    ...run.evalOpts,
    samples: run.valSamples!,
    signal: run.stop.signal,
  });
  state.metrics = metrics;
  state.history.addEval(iter, evalColumns(metrics, run.classNames));
  const improved = !state.best || metrics.miou > state.best.miou;
  run.log(`[EVAL] #Images: ${metrics.numImages} ${metricsLine(metrics)}`);
  run.log(`[EVAL] Class IoU: [${metrics.classIoU.map((v) => v.toFixed(4)).join(" ")}]`);
  if (improved) await keepBest(run, state, metrics);
  const best = state.best!;
  run.log(
    `[EVAL] The model with the best validation mIoU (${fmt(best.miou)}) was ${
      run.saveDir ? "saved" : "kept"
    } at iter ${best.iter}.`,
  );
  run.emit({ type: "eval", iter, metrics, best: improved });
  return improved;
}
