/**
 * `npm run val -- --config x.yml --model output/best_model`: PaddleSeg's `tools/val.py` —
 * evaluates a checkpoint on the config's `val_dataset` and prints mIoU, accuracy, kappa, Dice
 * and the per-class table. `--is_slide --crop_size W H --stride W H` for large images.
 * @module
 */
import { metricsBundle, metricsLine } from "../metrics/seg_metrics.ts";
import { evaluate } from "../train/evaluate.ts";
import { type OptionDef, parseArgs, usage, UsageError } from "./args.ts";
import { COMMON, inferOptionsFrom, modelFrom, runStoppable, startBackend, valDataset } from "./common.ts";

const OPTIONS: Record<string, OptionDef> = {
  ...COMMON,
  model: {
    kind: "string",
    doc: "checkpoint folder (best_model, iter_<k>) or save_dir",
    aliases: ["model_path"],
  },
  is_slide: { kind: "flag", doc: "sliding-window inference" },
  crop_size: { kind: "pair", doc: "window size for --is_slide" },
  stride: { kind: "pair", doc: "window step for --is_slide" },
  flip_horizontal: { kind: "flag", doc: "also infer on the flipped image", aliases: ["aug_eval"] },
  max_samples: { kind: "int", doc: "evaluate the first N images only" },
};

/** Runs the val command; returns the exit status. */
export function valCommand(argv: readonly string[]): Promise<number> {
  return runStoppable("val", argv, "stopping the evaluation", async (signal) => {
    const a = parseArgs(argv, OPTIONS, "val");
    if (a.help) {
      console.log(usage("npm run val --", "evaluate a checkpoint on the config's val_dataset", OPTIONS));
      return 0;
    }
    if (!a.model) throw new UsageError("val: --model is required (a checkpoint folder)");
    await startBackend(a.backend as string | undefined);
    const { model, config, baseDir } = await modelFrom(a.config as string | undefined, a.model as string);
    try {
      const ds = await valDataset(config, baseDir);
      const infer = inferOptionsFrom(a, config.test_config, "val");
      const m = await evaluate(model, ds, {
        infer,
        maxSamples: a.max_samples as number | undefined,
        progress: true,
        signal,
      });
      console.log(`[EVAL] #Images: ${m.numImages} ${metricsLine(m)}`);
      console.log(metricsBundle(m)["text/plain"]);
      return 0;
    } finally {
      model.dispose();
    }
  });
}
