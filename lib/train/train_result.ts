/**
 * The last step of a training run: the `TrainResult` built from the prepared run and its final
 * state. The result takes over the model and the kept best weights (`useBest`, `dispose`) and
 * displays as a summary with the loss and mIoU curves in notebooks.
 * @module
 */
import type { SeglabConfig } from "../config/parse_config.ts";
import { escapeHtml } from "../core/escape.ts";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import type { LossSection } from "../losses/loss_config.ts";
import type { LossSpec } from "../losses/types.ts";
import { tf } from "../core/tf.ts";
import type { PreparedRun } from "./prepare_run.ts";
import type { TrainState } from "./run_state.ts";
import { fmt } from "./train_log.ts";
import type { TrainResult } from "./train_types.ts";

/** The result of a finished (or stopped) run; takes the best weights out of `state`. */
export function trainResult(run: PreparedRun, state: TrainState): TrainResult {
  const { model, settings, saveDir, cfg } = run;
  const { history, best, iter, completed } = state;
  const kept = state.bestWeights;
  state.bestWeights = null;
  const result: TrainResult = {
    model,
    history,
    best,
    metrics: state.metrics,
    config: cfg as SeglabConfig,
    settings,
    iter,
    completed,
    stopped: state.stopped,
    saveDir,
    lastCheckpoint: state.lastCheckpoint,
    baseDir: run.baseDir,
    startedFrom: run.spec.startedFrom ?? null,
    useBest() {
      if (!kept) {
        throw new Error(
          "useBest: no evaluation has run, so there is no best model (give val_dataset and eval_interval)",
        );
      }
      model.setWeights(Object.fromEntries(kept), { source: `the best weights (iter ${best!.iter})` });
    },
    plot: () =>
      history.plot({
        title: `${model.type} — ${
          (cfg.loss as LossSection).types.map((t) => (t as LossSpec).type ?? "loss").join(" + ")
        }`,
      }),
    dispose() {
      if (kept) tf.dispose([...kept.values()]);
      kept?.clear();
      model.dispose();
    },
    async [DISPLAY](): Promise<MimeBundle> {
      const summary =
        `${model.description}\n${iter}/${settings.iters} iterations${completed ? "" : " (stopped)"}` +
        (best ? `; best mIoU ${fmt(best.miou)} at iter ${best.iter}` : "") +
        (saveDir ? `; saved in ${saveDir}` : "");
      const fig = await result.plot()[DISPLAY]();
      const table = history[DISPLAY]();
      return {
        "text/plain": `${summary}\n${table["text/plain"]}`,
        "text/html": `<div><pre>${escapeHtml(summary)}</pre>${fig["text/html"]}${table["text/html"]}</div>`,
        ...(fig["image/png"] ? { "image/png": fig["image/png"] } : {}),
      };
    },
  };
  return result;
}
