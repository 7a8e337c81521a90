/**
 * What the three commands share: choosing the backend, loading a model from a checkpoint and a
 * config, building the validation set, and turning errors into one line and an exit status.
 * @module
 */
import * as path from "node:path";
import { ready } from "../backend/ready.ts";
import { ConfigError } from "../config/config_error.ts";
import { LossError } from "../losses/errors.ts";
import { createModel } from "../models/create_model.ts";
import type { SegModel } from "../models/seg_model.ts";
import { applyCheckpoint, loadCheckpoint } from "../train/checkpoint.ts";
import { CheckpointError } from "../train/file_io.ts";
import { createDataset, type SegDataset } from "../train/data.ts";
import { loadConfig } from "../train/run_config.ts";
import { type InferOptions, inferOptionsFromConfig } from "../train/infer.ts";
import { TrainingError } from "../train/train.ts";
import { type OptionDef, UsageError } from "./args.ts";

/** Options every command takes. */
export const COMMON: Record<string, OptionDef> = {
  config: { kind: "string", doc: "PaddleSeg YAML config (with _base_)" },
  backend: {
    kind: "string",
    arg: "NAME",
    doc: "TensorFlow.js backend (wasm, cpu; default: the best available)",
  },
  help: { kind: "flag", doc: "show this help", aliases: ["h"] },
};

/** Starts the backend (quietly unless asked). */
export async function startBackend(name: string | undefined): Promise<string> {
  return await ready(name);
}

/** Loads a model for evaluation or prediction: the config's model with the checkpoint's weights. */
export async function modelFrom(
  configPath: string | undefined,
  modelPath: string,
  numClasses?: number,
): Promise<{ model: SegModel; config: Record<string, unknown>; baseDir: string }> {
  const ck = await loadCheckpoint(modelPath);
  try {
    const loaded = configPath ? loadConfig(configPath) : null;
    const config = (loaded?.config ?? ck.state?.config) as Record<string, unknown> | undefined;
    if (!config) {
      throw new UsageError(`${modelPath} has no train_state.json; pass --config so the model is known`);
    }
    const modelCfg = (ck.state?.model ?? config.model) as Record<string, unknown>;
    const model = createModel({ ...modelCfg, pretrained: null }, { numClasses, seed: 0 });
    try {
      applyCheckpoint(model, ck);
    } catch (e) {
      model.dispose();
      throw e;
    }
    const baseDir = loaded?.baseDir ?? (ck.state?.extra?.baseDir as string | undefined) ?? path.resolve(".");
    return { model, config, baseDir };
  } finally {
    ck.dispose();
  }
}

/** The config's `val_dataset`, built. */
/**
 * The inference mode of `val`/`predict`: the config's `test_config` (PaddleSeg's), overridden by
 * `--is_slide --crop_size W H [--stride W H]` and `--flip_horizontal`.
 */
export function inferOptionsFrom(
  args: Record<string, unknown>,
  testConfig: unknown,
  command: string,
): InferOptions {
  const fromConfig = inferOptionsFromConfig(testConfig);
  const infer: InferOptions = args.is_slide
    ? {
      mode: "slide",
      cropSize: args.crop_size as [number, number],
      stride: (args.stride ?? args.crop_size) as [number, number],
      flip: Boolean(args.flip_horizontal),
    }
    : { ...fromConfig, flip: Boolean(args.flip_horizontal) || fromConfig.flip };
  if (infer.mode === "slide" && !infer.cropSize) {
    throw new UsageError(`${command}: --is_slide needs --crop_size W H`);
  }
  return infer;
}

export async function valDataset(config: Record<string, unknown>, baseDir: string): Promise<SegDataset> {
  if (!config.val_dataset) {
    throw new ConfigError("val_dataset: is required to evaluate (add it to the config)");
  }
  return await createDataset(config.val_dataset as Record<string, unknown>, { baseDir });
}

/** Prints an error the way a command-line user needs it and returns the exit status. */
export function reportError(e: unknown, command: string): number {
  const known = e instanceof ConfigError || e instanceof CheckpointError || e instanceof TrainingError ||
    e instanceof LossError || e instanceof UsageError;
  if (known) console.error(`${command}: ${(e as Error).message}`);
  else console.error(`${command}: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  return e instanceof UsageError ? 2 : 1;
}
