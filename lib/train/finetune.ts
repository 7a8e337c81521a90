/**
 * `finetune({ from, loss, iters, lr })`: PaddleSeg's second Lovász recipe in one call — start
 * from a trained model (a checkpoint folder such as `out/ce/best_model`, a save_dir, or the
 * result of `train`), swap the loss (e.g. to Lovász-Softmax or Lovász hinge), and train again
 * with a fresh optimizer and schedule. The run's config, data sets and model come from the
 * starting point; anything in the spec overrides them. A PaddleSeg checkpoint works too:
 * `finetune({ from: "output/best_model/model.pdparams", config: "configs/…yml", loss, iters })`.
 *
 * @example
 * ```ts
 * import { finetune, train } from "seglab";
 * const ce = await train({ config: "configs/road_ce.yml", iters: 100 });
 * const lovasz = await finetune({ from: ce, loss: { type: "LovaszHingeLoss" }, iters: 50, lr: 0.001 });
 * ```
 * @module
 */
import * as path from "node:path";
import { ConfigError } from "../config/config_error.ts";
import { paddleCheckpointFile } from "../paddle/pretrained.ts";
import { loadConfig } from "./run_config.ts";
import type { LossSection } from "../losses/loss_config.ts";
import type { LossSpec } from "../losses/types.ts";
import { createModel } from "../models/create_model.ts";
import type { SegModel } from "../models/seg_model.ts";
import { applyCheckpoint, loadCheckpoint } from "./checkpoint.ts";
import { train, type TrainResult, type TrainSpec } from "./train.ts";

/** What to fine-tune from and how. */
export interface FinetuneSpec extends Omit<TrainSpec, "model" | "resume" | "loss" | "learningRate"> {
  /**
   * A checkpoint folder (`best_model`, `iter_<k>`), a save_dir (its latest checkpoint), a `train`
   * result, or a PaddleSeg `model.pdparams` (or the folder holding it; then `config` is required).
   */
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

/**
 * From a PaddleSeg checkpoint (`model.pdparams`, or its `best_model` folder): PaddleSeg's own
 * route — the config's `model.pretrained` set to the file — with the config it was trained with.
 */
async function finetunePaddle(spec: FinetuneSpec, file: string): Promise<TrainResult> {
  const { from: _, lr, ...rest } = spec;
  if (!spec.config) {
    throw new ConfigError(
      `finetune: ${spec.from} is a PaddleSeg checkpoint; pass config too (the PaddleSeg config it was trained ` +
        `with, a path or a parsed mapping), so the model and the data are known`,
    );
  }
  const loaded = loadConfig(spec.config, spec.baseDir);
  if (loaded.pathNote) console.error(`[INFO] ${loaded.pathNote}`);
  const config = structuredClone(loaded.config) as Record<string, unknown>;
  const model = (config.model ?? {}) as Record<string, unknown>;
  config.model = { ...model, pretrained: file };
  delete config.resume;
  return await train({
    ...rest,
    config,
    baseDir: loaded.baseDir,
    learningRate: lr,
    startedFrom: `${file} (PaddleSeg)`,
  });
}

/** Fine-tunes a trained model with a new loss (see the module documentation). */
export async function finetune(spec: FinetuneSpec): Promise<TrainResult> {
  const { from, lr, ...rest } = spec;
  if (!from) throw new ConfigError("finetune: from is required (a checkpoint folder or a train() result)");
  if (!spec.loss) throw new ConfigError("finetune: loss is required (the loss to fine-tune with)");
  const paddle = typeof from === "string" ? paddleCheckpointFile(path.resolve(from)) : null;
  if (paddle) return await finetunePaddle(spec, paddle);
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
