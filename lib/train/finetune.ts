/**
 * `finetune({ from, loss, iters, lr })`: PaddleSeg's second Lovász recipe in one call — start
 * from a trained model (a checkpoint folder such as `out/ce/best_model`, a save_dir, or the
 * result of `train`), swap the loss (e.g. to Lovász-Softmax or Lovász hinge), and train again
 * with a fresh optimizer and schedule. The run's config, data sets and model come from the
 * starting point; anything in the spec overrides them.
 *
 * @example
 * ```ts
 * import { finetune, train } from "seglab";
 * const ce = await train({ config: "configs/road_ce.yml", iters: 100 });
 * const lovasz = await finetune({ from: ce, loss: { type: "LovaszHingeLoss" }, iters: 50, lr: 0.001 });
 * ```
 * @module
 */
import { ConfigError } from "../config/config_error.ts";
import type { LossSection } from "../losses/loss_config.ts";
import type { LossSpec } from "../losses/types.ts";
import { createModel } from "../models/create_model.ts";
import type { SegModel } from "../models/seg_model.ts";
import { applyCheckpoint, loadCheckpoint } from "./checkpoint.ts";
import { train, type TrainResult, type TrainSpec } from "./train.ts";

/** What to fine-tune from and how. */
export interface FinetuneSpec extends Omit<TrainSpec, "model" | "resume" | "loss" | "learningRate"> {
  /** A checkpoint folder (`best_model`, `iter_<k>`), a save_dir (its latest checkpoint), or a `train` result. */
  from: string | TrainResult;
  /** The new `loss:` section, or one loss applied to every model output with the old coefficients. */
  loss: LossSection | LossSpec;
  iters: number;
  /** The new initial learning rate (the schedule's type and shape are kept). */
  lr?: number;
}

function isResult(x: unknown): x is TrainResult {
  return typeof x === "object" && x !== null && "history" in x && "model" in x;
}

/** Fine-tunes a trained model with a new loss (see the module documentation). */
export async function finetune(spec: FinetuneSpec): Promise<TrainResult> {
  const { from, lr, ...rest } = spec;
  if (!from) throw new ConfigError("finetune: from is required (a checkpoint folder or a train() result)");
  if (!spec.loss) throw new ConfigError("finetune: loss is required (the loss to fine-tune with)");
  let config: Record<string, unknown>, baseDir: string, model: SegModel, startedFrom: string;
  if (isResult(from)) {
    config = structuredClone(from.config) as Record<string, unknown>;
    baseDir = from.baseDir;
    model = createModel(from.model.config, { seed: from.model.seed });
    model.setWeights(Object.fromEntries(from.model.namedWeights().map((w) => [w.name, w.tensor])), {
      source: "the run's weights",
    });
    startedFrom = `${from.saveDir ?? "a run"} at iteration ${from.iter}`;
  } else {
    const ck = await loadCheckpoint(from);
    try {
      if (!ck.state && !spec.config) {
        throw new ConfigError(
          `finetune: ${ck.dir} has no train_state.json (a bare model); pass config too, so the data and model are known`,
        );
      }
      config = structuredClone(
        spec.config && typeof spec.config === "object" ? spec.config : ck.state!.config,
      );
      baseDir = spec.baseDir ?? (ck.state?.extra?.baseDir as string | undefined) ?? ".";
      const modelCfg = (ck.state?.model ?? config.model) as Record<string, unknown>;
      model = createModel({ ...modelCfg, pretrained: null }, { seed: 0 });
      try {
        applyCheckpoint(model, ck);
      } catch (e) {
        model.dispose();
        throw e;
      }
      startedFrom = ck.state ? `${ck.dir} (iteration ${ck.state.iter})` : ck.dir;
    } finally {
      ck.dispose();
    }
  }
  delete config.resume;
  if (typeof spec.config === "string") {
    // A YAML given alongside a checkpoint: its sections win over the checkpoint's.
    rest.config = spec.config;
  } else {
    rest.config = config;
  }
  try {
    return await train({ ...rest, baseDir: rest.baseDir ?? baseDir, model, learningRate: lr, startedFrom });
  } catch (e) {
    model.dispose();
    throw e;
  }
}
