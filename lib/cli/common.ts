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
import { onStopSignals } from "./stop_signals.ts";

/** Options every command takes. */
export const COMMON: Record<string, OptionDef> = {
  config: { kind: "string", doc: "PaddleSeg YAML config (with _base_)" },
  backend: {
    kind: "string",
    arg: "NAME",
    doc: "TensorFlow.js backend (wasm, cpu; default: the best available)",
  },
  help: { kind: "flag", doc: "show this help", aliases: ["h"] },
  debug: { kind: "flag", doc: "print errors with their stack trace" },
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

/**
 * The errors a user meets with bad input or a stopped run: their message says what and where,
 * so they print as one line, without a stack trace (`--debug` prints it). Matched by name, so
 * an error from another copy of the module is recognised too.
 */
const EXPECTED = new Set([
  ConfigError.name,
  CheckpointError.name,
  TrainingError.name,
  LossError.name,
  UsageError.name,
  "DatasetError", // data sets: unreadable or undecodable files, zip-slip, list files
  "TransformError",
  "LockError",
  "StoppedError",
]);

/** A message on one line (continuation lines joined with "; "). */
export function oneLine(message: string): string {
  return message.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).join("; ");
}

/**
 * Prints an error the way a command-line user needs it and returns the exit status: one line for
 * the expected errors, one line with a hint for the others; the stack with `debug`.
 */
export function reportError(e: unknown, command: string, opts: { debug?: boolean } = {}): number {
  const err = e instanceof Error ? e : new Error(String(e));
  if (opts.debug) console.error(`${command}: ${err.stack ?? err.message}`);
  else if (EXPECTED.has(err.name)) console.error(`${command}: ${oneLine(err.message)}`);
  else {
    console.error(
      `${command}: ${err.name}: ${oneLine(err.message)} (unexpected; run with --debug for the stack trace)`,
    );
  }
  return err instanceof UsageError ? 2 : 1;
}

/**
 * Runs a command's body with Ctrl-C/SIGTERM/SIGHUP handling (see stop_signals.ts) and error
 * reporting. The body gets the stop signal to pass on. Exit status: the body's, or 128 + the
 * signal's number when a signal stopped it (130 for Ctrl-C, 143 for SIGTERM), or the error's.
 */
export async function runStoppable(
  command: string,
  argv: readonly string[],
  action: string,
  body: (signal: AbortSignal) => Promise<number>,
): Promise<number> {
  const debug = argv.includes("--debug");
  const stop = onStopSignals(command, { action });
  try {
    const code = await body(stop.signal);
    return stop.exitCode() ?? code;
  } catch (e) {
    const code = reportError(e, command, { debug });
    return (e as Error)?.name === "StoppedError" ? stop.exitCode() ?? 130 : code;
  } finally {
    stop.dispose();
  }
}
