/**
 * `npm run train -- --config x.yml [--iters N] [--save_dir d] [--resume]`: PaddleSeg's
 * `tools/train.py` on seglab. Checkpoints go to `--save_dir` (default `output`), as PaddleSeg's do.
 * @module
 */
import { train } from "../train/train.ts";
import { type OptionDef, parseArgs, usage, UsageError } from "./args.ts";
import { COMMON, runStoppable, startBackend } from "./common.ts";

const OPTIONS: Record<string, OptionDef> = {
  ...COMMON,
  iters: { kind: "int", doc: "training iterations (overrides iters)" },
  batch_size: { kind: "int", doc: "images per iteration (overrides batch_size)" },
  learning_rate: { kind: "number", doc: "initial learning rate (overrides lr_scheduler.learning_rate)" },
  save_dir: { kind: "string", doc: "where checkpoints go (default: output)" },
  save_interval: { kind: "int", doc: "iterations between checkpoints (default 1000)" },
  eval_interval: { kind: "int", doc: "iterations between evaluations (default: save_interval)" },
  keep_checkpoint_max: { kind: "int", doc: "iter_<k> checkpoints kept (default 5)" },
  log_iters: { kind: "int", doc: "iterations between [TRAIN] lines (default 10)" },
  do_eval: { kind: "flag", doc: "evaluate on val_dataset (default: when the config has one)" },
  no_eval: { kind: "flag", doc: "do not evaluate" },
  resume: { kind: "flag", doc: "continue from the latest checkpoint in save_dir" },
  resume_model: { kind: "string", doc: "continue from this checkpoint folder" },
  seed: { kind: "int", doc: "random seed (data order, initial weights, dropout)" },
  no_save_on_stop: {
    kind: "flag",
    doc: "on Ctrl-C/SIGTERM, do not save the iteration reached (default: save it as iter_<N>)",
  },
  check_data: { kind: "flag", doc: "decode every image and label once before training; list all problems" },
  skip_bad_samples: {
    kind: "flag",
    doc: "skip images/labels that cannot be decoded, with a warning listing them",
  },
};

/** Runs the train command; returns the exit status. */
export function trainCommand(argv: readonly string[]): Promise<number> {
  return runStoppable("train", argv, "stopping after the current iteration and saving it", async (signal) => {
    const a = parseArgs(argv, OPTIONS, "train");
    if (a.help) {
      console.log(usage("npm run train --", "train a model from a PaddleSeg config", OPTIONS));
      return 0;
    }
    if (!a.config) throw new UsageError("train: --config is required (a PaddleSeg YAML file)");
    await startBackend(a.backend as string | undefined);
    const run = await train({
      config: a.config as string,
      iters: a.iters as number | undefined,
      batchSize: a.batch_size as number | undefined,
      learningRate: a.learning_rate as number | undefined,
      saveDir: (a.save_dir as string | undefined) ?? "output",
      saveInterval: a.save_interval as number | undefined,
      evalInterval: a.eval_interval as number | undefined,
      keepCheckpointMax: a.keep_checkpoint_max as number | undefined,
      logIters: a.log_iters as number | undefined,
      doEval: a.no_eval ? false : (a.do_eval as boolean | undefined),
      resume: (a.resume_model as string | undefined) ?? (a.resume as boolean | undefined),
      seed: a.seed as number | undefined,
      log: true,
      signal,
      saveOnStop: !a.no_save_on_stop,
      checkData: Boolean(a.check_data),
      skipBadSamples: Boolean(a.skip_bad_samples),
    });
    // A stopped run has said where it stopped and what it saved.
    if (run.completed) {
      console.log(
        `train: ${run.iter} iterations done; checkpoints in ${run.saveDir}` +
          (run.best
            ? `; best mIoU ${run.best.miou.toFixed(4)} at iter ${run.best.iter} (${run.best.dir})`
            : ""),
      );
    }
    run.dispose();
    return run.completed ? 0 : 130;
  });
}
