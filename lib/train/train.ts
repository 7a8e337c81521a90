/**
 * `train(config)`: PaddleSeg's training loop (`core/train.py`) on TensorFlow.js. Give it a
 * PaddleSeg YAML file (with `_base_`), a mapping of the same keys, or objects (a model, data
 * sets, a loss), plus the run options PaddleSeg puts on its command line.
 *
 * Per iteration: a batch in a deterministic order (`seed`), the model in training mode (every
 * output, PaddleSeg's order), the `loss:` section (`Σ coef_i · L_i(output_i)`, MixedLoss terms
 * named and logged separately), gradients, the optimizer at the scheduled learning rate. Every
 * `eval_interval` iterations (and at the end) the validation set is evaluated (mIoU, per-class
 * IoU, accuracy, kappa) and the best model kept; every `save_interval` a checkpoint is written
 * (TensorFlow.js format + optimizer state + iteration + config + history, atomically); `resume`
 * continues a run exactly where its last checkpoint stopped. A NaN loss stops the run before
 * the bad update, naming the iteration and the loss terms.
 *
 * The run is in phases, each in its own file: `prepareRun` (prepare_run.ts: config → data, model,
 * starting weights, loss, optimizer, schedule, resume state), then per iteration a stop check
 * (`stopRequested`), `trainStep` (train_step.ts), `evaluationPhase` (evaluation_phase.ts) and
 * `saveIterCheckpoint` (checkpoint_phase.ts), and finally `trainResult` (train_result.ts).
 *
 * @example
 * ```ts
 * import { train } from "seglab";
 * const run = await train({ config: "configs/road_ce_lovasz.yml", iters: 200, saveDir: "out/road" });
 * run.history.plot();   // loss terms and validation mIoU against iteration
 * run.best;             // { iter, miou, … }
 * ```
 * @module
 */
import * as path from "node:path";
import { Progress } from "../display/progress.ts";
import { explainWasmFailure } from "../backend/wasm/heap_guard.ts";
import { explainGpuFailure } from "./gpu_failure.ts";
import type { Batch } from "./data.ts";
import { type PreparedRun, prepareRun } from "./prepare_run.ts";
import { disposeTrainState, type TrainState } from "./run_state.ts";
import { evaluationPhase, shouldEvaluate } from "./evaluation_phase.ts";
import { saveIterCheckpoint, shouldCheckpoint } from "./checkpoint_phase.ts";
import { logStep, trainStep } from "./train_step.ts";
import { trainResult } from "./train_result.ts";
import { clock, fmt } from "./train_log.ts";
import { tf } from "../core/tf.ts";
import type { TrainResult, TrainSpec } from "./train_types.ts";
import { saveOnStop } from "./stop_phase.ts";
import { StoppedError, stopsWithCell } from "../core/stop.ts";

export { TrainingError } from "./train_types.ts";
export type { BestEval, TrainEvent, TrainResult, TrainSpec } from "./train_types.ts";

/** Trains a model (see the module documentation): prepare, then step / evaluate / checkpoint until done. */
export function train(spec: string | TrainSpec): Promise<TrainResult> {
  // In a notebook, an interrupted cell waits for the run to stop and save (its last words are the cell's).
  return stopsWithCell(runTraining(spec));
}

async function runTraining(spec: string | TrainSpec): Promise<TrainResult> {
  const { run, state } = await prepareRun(spec);
  try {
    await trainLoop(run, state);
    const stopped = state.stopped;
    if (stopped && run.stop.byInterrupt()) {
      // The notebook cell was interrupted: the cell ends with an error that says where the run
      // stopped and what it saved (as a Python cell ends with KeyboardInterrupt); the model is
      // freed (below) — the checkpoint holds it.
      throw new StoppedError(
        `train: stopped (interrupt) at iteration ${stopped.iter} of ${run.settings.iters}; ` +
          (stopped.checkpoint ? `saved ${stopped.checkpoint}` : "nothing saved"),
        { at: stopped.iter, reason: stopped.reason, saved: stopped.checkpoint },
      );
    }
    return trainResult(run, state);
  } catch (e) {
    disposeTrainState(state);
    if (run.ownsModel) run.model.dispose();
    throw e;
  } finally {
    // The optimizer's slots are part of checkpoints; in memory they are no longer needed.
    run.optimizer.dispose();
    run.lock?.release();
  }
}

/**
 * True when the run was asked to stop (its `signal`, a notebook interrupt, Ctrl-C); checked once
 * per iteration, before its batch is read.
 */
export function stopRequested(run: PreparedRun): boolean {
  return run.stop.requested();
}

/** The batch stream from the state's iteration on (deterministic order from the seed), or null when done. */
function openBatches(run: PreparedRun, state: TrainState): AsyncIterableIterator<Batch> | null {
  if (state.iter >= run.settings.iters) return null;
  return run.batches(run.trainDs, {
    batchSize: run.settings.batchSize,
    shuffle: true,
    seed: run.seed,
    dropLast: true,
    loop: true,
    startStep: state.iter,
    signal: null, // the trainer watches the stop itself, between iterations
    ...(run.spec.numWorkers ? { workers: run.spec.numWorkers } : {}),
  });
}

/** The next batch; a data error (which names the file and list line) also names the iteration. */
async function nextBatch(it: AsyncIterableIterator<Batch>, iter: number): Promise<IteratorResult<Batch>> {
  try {
    return await it.next();
  } catch (e) {
    if (e instanceof Error) e.message = `iteration ${iter + 1}: ${e.message}`;
    throw e;
  }
}

/** Iterations until `iters` or a stop: step, then evaluate, then checkpoint (so the checkpoint's history holds the evaluation). */
export async function trainLoop(run: PreparedRun, state: TrainState): Promise<void> {
  const { model, settings, saveDir } = run;
  const bar = run.spec.progress === false
    ? null
    : new Progress({ total: settings.iters, label: `train ${model.type}`, unit: "it" });
  run.log(
    `[INFO] ${model.description}; ${settings.iters} iterations, batch ${settings.batchSize}, seed ${run.seed}, backend ${tf.getBackend()}` +
      `${saveDir ? `, saving to ${saveDir}` : ""}`,
  );
  run.emit({
    type: "start",
    iter: state.iter,
    iters: settings.iters,
    model,
    description: model.description,
    seed: run.seed,
    saveDir,
  });
  bar?.update(state.iter);
  const t0 = performance.now();
  const startIter = state.iter;
  const it = openBatches(run, state);
  try {
    while (state.iter < settings.iters) {
      if (stopRequested(run)) {
        state.completed = false;
        break;
      }
      const tRead = performance.now();
      const next = await nextBatch(it!, state.iter);
      if (next.done) throw new Error("the batch source ended before the last iteration (it must loop)");
      const readSec = (performance.now() - tRead) / 1000;
      const epoch = next.value.epoch;
      const step = await trainStep(run, state, next.value);
      logStep(run, state, step, epoch, readSec);
      const best = state.best;
      bar?.update(step.iter, { loss: step.loss, lr: step.lr, ...(best ? { best_mIoU: best.miou } : {}) });
      if (shouldEvaluate(run, state.iter)) {
        try {
          await evaluationPhase(run, state);
        } catch (e) {
          if (!(e instanceof StoppedError)) throw e;
          state.completed = false; // the iteration is complete; its evaluation is not
          break;
        }
        bar?.update(state.iter, { loss: step.loss, mIoU: state.metrics!.miou, best_mIoU: state.best!.miou });
      }
      if (shouldCheckpoint(run, state.iter)) await saveIterCheckpoint(run, state);
    }
    if (!state.completed) state.stopped = await saveOnStop(run, state, startIter);
  } catch (e) {
    bar?.fail();
    throw explainWasmFailure(await explainGpuFailure(e, state.lastCheckpoint));
  } finally {
    await it?.return?.(undefined);
  }
  const { best, iter, completed } = state;
  if (completed) bar?.done(best ? { best_mIoU: best.miou } : undefined);
  else bar?.fail({ stopped: state.stopped?.reason ?? "stopped" }); // the units done so far, not 100%
  run.log(
    `[INFO] ${completed ? "finished" : "stopped"} at iteration ${iter} in ${
      clock((performance.now() - t0) / 1000)
    }` +
      (best ? `; best mIoU ${fmt(best.miou)} at iter ${best.iter}` : ""),
  );
  run.emit({ type: "done", iter, best });
  if (saveDir) await state.history.save(path.join(saveDir, "history.csv"));
}
