/**
 * The end of a stopped run (an interrupt, Ctrl-C, SIGTERM, the caller's `signal`): the iteration
 * it reached is saved as an ordinary `iter_<N>` checkpoint — resumable like the others — unless
 * `saveOnStop: false` (or there is no save folder, or nothing new since the last checkpoint), and
 * one line says where it stopped and what was saved.
 * @module
 */
import * as path from "node:path";
import { saveIterCheckpoint } from "./checkpoint_phase.ts";
import type { PreparedRun } from "./prepare_run.ts";
import type { TrainState } from "./run_state.ts";
import type { StopInfo } from "./train_types.ts";

/** Saves the stopped run's iteration (see the module doc), says so, and returns where it stopped. */
export async function saveOnStop(run: PreparedRun, state: TrainState, startIter: number): Promise<StopInfo> {
  run.lock?.stopping();
  const { saveDir, settings } = run;
  const iter = state.iter;
  const reason = run.stop.reason();
  const here = saveDir ? path.join(saveDir, `iter_${iter}`) : null;
  const checkpoint = here && state.lastCheckpoint === here
    ? here
    : here && run.spec.saveOnStop !== false && iter > startIter
    ? await saveIterCheckpoint(run, state)
    : null;
  const last = state.lastCheckpoint ?? "none";
  run.say(
    `train: stopped (${reason}) at iteration ${iter} of ${settings.iters}; ` +
      (checkpoint
        ? `saved ${checkpoint} (resume: true / --resume continues from it)`
        : !saveDir
        ? "nothing saved (no saveDir)"
        : run.spec.saveOnStop === false
        ? `not saved (saveOnStop: false); the last checkpoint is ${last}`
        : `nothing new to save; the last checkpoint is ${last}`),
  );
  run.emit({ type: "stopped", iter, reason, checkpoint });
  return { iter, reason, checkpoint };
}
