/**
 * Phase 1 of a training run: from a `TrainSpec` to a prepared run. The config is loaded and the
 * code-level overrides become config sections (so checkpoints record what actually ran); then the
 * run settings, the checkpoint being resumed (which decides the seed), the data sets and batch
 * source, the model (and its starting weights), the loss (one type per model output), the
 * optimizer and the learning-rate schedule. Everything refused here is refused before training.
 * @module
 */
import * as path from "node:path";
import { tf } from "../core/tf.ts";
import { ConfigError } from "../config/config_error.ts";
import { createLossConfig, type LossConfig, type LossSection } from "../losses/loss_config.ts";
import { createModel } from "../models/create_model.ts";
import type { SegModel } from "../models/seg_model.ts";
import { mixSeed, randomSeed } from "../models/seed.ts";
import { listCheckpoints, loadCheckpoint, type LoadedCheckpoint } from "./checkpoint.ts";
import { batches as defaultBatches, type BatchFn, createDataset, type SegDataset } from "./data.ts";
import { type EvaluateOptions, sampleCache, type SampleSource } from "./evaluate.ts";
import { inferOptionsFromConfig } from "./infer.ts";
import { loadInitialWeights } from "./initial_weights.ts";
import { createLrScheduler, type LrScheduler } from "./lr_scheduler.ts";
import { createOptimizer, type NamedVariable, type Optimizer } from "./optimizer.ts";
import { checkSections, ignoredKeys, loadConfig, type RunSettings, runSettings } from "./run_config.ts";
import { disposeTrainState, newTrainState, restoreResume, type TrainState } from "./run_state.ts";
import { syncIgnoreIndex } from "./sync_ignore_index.ts";
import { type LogFn, makeLogger, makeSayer } from "./train_log.ts";
import { type StopWatch, stopWatch } from "../core/stop.ts";
import { lockSaveDir, type SaveLock } from "./save_lock.ts";
import { cleanDebris } from "./debris.ts";
import { screenData } from "./check_data.ts";
import type { TrainEvent, TrainSpec } from "./train_types.ts";

/** A prepared run: everything the step, evaluation and checkpoint phases read (none of it changes). */
export interface PreparedRun {
  spec: TrainSpec;
  log: LogFn;
  /** One-line notes the user must see (a stop, a data check): see `makeSayer`. */
  say: LogFn;
  /** The explicit signal and, in a notebook, the running cell's interrupt. */
  stop: StopWatch;
  /** The save folder's lock (held until `train` ends), or null without a save folder. */
  lock: SaveLock | null;
  emit: (e: TrainEvent) => void;
  /** `"<config file>: "` for error messages, or "". */
  where: string;
  /** The resolved config (PaddleSeg keys); checkpoints record it. */
  cfg: Record<string, unknown>;
  baseDir: string;
  settings: RunSettings & { seed: number };
  seed: number;
  saveDir: string | null;
  trainDs: SegDataset;
  valDs: SegDataset | null;
  batches: BatchFn;
  model: SegModel;
  /** False when the caller passed the model object (then it is theirs to dispose on failure). */
  ownsModel: boolean;
  loss: LossConfig;
  optimizer: Optimizer;
  lrOf: LrScheduler;
  /** The trainable variables, by name, in the optimizer's order. */
  named: NamedVariable[];
  doEval: boolean;
  evalOpts: EvaluateOptions;
  valSamples: SampleSource | null;
  classNames: readonly string[] | undefined;
}

/** The `type` recorded for a data set passed as an object. */
const OBJECT = "<object>";

/** True for a built model (rather than a model config section). */
export function isSegModel(x: unknown): x is SegModel {
  return typeof x === "object" && x !== null && "net" in x && "evalNet" in x &&
    typeof (x as SegModel).apply === "function";
}

/** Loads the config and applies the spec's overrides and PaddleSeg's defaults, in place. */
export function resolveRunConfig(
  s: TrainSpec,
  log: LogFn,
): { cfg: Record<string, unknown>; where: string; baseDir: string } {
  const loaded = loadConfig(s.config, s.baseDir);
  const where = loaded.file ? `${s.config}: ` : "";
  const cfg = loaded.config as Record<string, unknown>;
  // Code-level overrides become config sections, so checkpoints record what actually ran.
  if (s.loss) {
    cfg.loss = "types" in s.loss
      ? structuredClone(s.loss)
      : { types: [structuredClone(s.loss)], coef: (cfg.loss as LossSection | undefined)?.coef ?? [1] };
  }
  if (s.optimizer) cfg.optimizer = structuredClone(s.optimizer);
  if (s.lrScheduler) cfg.lr_scheduler = structuredClone(s.lrScheduler);
  if (s.model && !isSegModel(s.model)) cfg.model = structuredClone(s.model);
  if (isSegModel(s.model)) cfg.model = structuredClone(s.model.config);
  if (s.learningRate !== undefined) {
    cfg.lr_scheduler = {
      ...((cfg.lr_scheduler as Record<string, unknown>) ??
        { type: "PolynomialDecay", power: 0.9, end_lr: 0 }),
      learning_rate: s.learningRate,
    };
  }
  // Data set objects are recorded by where they came from; a later fine-tune or resume must pass them again.
  if (s.trainDataset) cfg.train_dataset = { type: OBJECT, root: s.trainDataset.root };
  if (s.valDataset) cfg.val_dataset = { type: OBJECT, root: s.valDataset.root };
  checkSections(cfg, where);
  const ignored = ignoredKeys(cfg);
  if (ignored.length) log(`[WARNING] ${where}seglab ignores these keys: ${ignored.join(", ")}`);
  if (!cfg.optimizer) {
    cfg.optimizer = { type: "SGD", momentum: 0.9, weight_decay: 4.0e-5 };
    log(`[INFO] ${where}no optimizer given; using PaddleSeg's base: SGD, momentum 0.9, weight_decay 4e-5`);
  }
  if (!cfg.lr_scheduler) {
    cfg.lr_scheduler = { type: "PolynomialDecay", learning_rate: 0.01, power: 0.9, end_lr: 0 };
    log(
      `[INFO] ${where}no lr_scheduler given; using PaddleSeg's base: PolynomialDecay 0.01, power 0.9, end_lr 0`,
    );
  }
  return { cfg, where, baseDir: loaded.baseDir };
}

/**
 * The run settings, the save folder and the checkpoint being resumed (loaded with its optimizer
 * state). The checkpoint decides the seed; the config may change iters. The save folder is locked
 * first (a second trainer or a resume beside a live one is refused) and cleaned of the leftovers
 * of an interrupted write; on failure the lock is released.
 */
export async function resolveSettings(
  s: TrainSpec,
  cfg: Record<string, unknown>,
  where: string,
  baseDir: string,
  log: LogFn,
  say: LogFn = log,
): Promise<
  {
    settings: RunSettings & { seed: number };
    saveDir: string | null;
    resumed: LoadedCheckpoint | null;
    lock: SaveLock | null;
  }
> {
  // Paths given in code or on the command line are relative to the working directory, as
  // PaddleSeg's; paths written in the config file (save_dir, datasets, pretrained) to the file.
  const resolveSaveDir = (d: string) =>
    path.resolve(s.saveDir !== undefined && s.saveDir !== null ? "." : baseDir, d);
  const settings0 = runSettings(cfg, {
    iters: s.iters,
    batchSize: s.batchSize,
    seed: s.seed,
    saveDir: s.saveDir,
    saveInterval: s.saveInterval,
    evalInterval: s.evalInterval,
    logIters: s.logIters,
    keepCheckpointMax: s.keepCheckpointMax,
    doEval: s.doEval,
  }, where);
  const lock = settings0.saveDir
    ? await lockSaveDir(resolveSaveDir(settings0.saveDir), { what: "train", log: say })
    : null;
  try {
    if (lock) cleanDebris(lock.dir, say);
    return { ...await resumeAndSeed(s, cfg, where, log, settings0, resolveSaveDir), lock };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

/** The checkpoint being resumed and the seed it decides (part of `resolveSettings`). */
async function resumeAndSeed(
  s: TrainSpec,
  cfg: Record<string, unknown>,
  where: string,
  log: LogFn,
  settings0: RunSettings,
  resolveSaveDir: (d: string) => string,
): Promise<
  { settings: RunSettings & { seed: number }; saveDir: string | null; resumed: LoadedCheckpoint | null }
> {
  let resumeDir: string | null = null;
  if (s.resume) {
    if (typeof s.resume === "string") resumeDir = s.resume;
    else {
      if (!settings0.saveDir) {
        throw new ConfigError(`${where}resume: true needs saveDir (where the checkpoints are)`);
      }
      const list = listCheckpoints(resolveSaveDir(settings0.saveDir));
      if (list.length) resumeDir = list[list.length - 1].dir;
      else log(`[INFO] resume: no checkpoint in ${settings0.saveDir}; starting from iteration 0`);
    }
  }
  const resumed = resumeDir ? await loadCheckpoint(path.resolve(resumeDir), { optimizer: true }) : null;
  const seed = settings0.seed ?? resumed?.state?.seed ?? randomSeed();
  if (resumed?.state && settings0.seed !== null && settings0.seed !== resumed.state.seed) {
    resumed.dispose();
    throw new ConfigError(
      `${where}seed: is ${settings0.seed} but the checkpoint being resumed was trained with seed ${resumed.state.seed}; ` +
        `a resumed run must keep its seed (drop seed or set it to ${resumed.state.seed})`,
    );
  }
  const settings = { ...settings0, seed };
  const saveDir = settings.saveDir ? resolveSaveDir(settings.saveDir) : null;
  cfg.iters = settings.iters;
  cfg.batch_size = settings.batchSize;
  cfg.seed = seed;
  return { settings, saveDir, resumed };
}

/** The training and validation sets (objects or config sections) and the batch source. */
export async function prepareData(
  s: TrainSpec,
  cfg: Record<string, unknown>,
  where: string,
  baseDir: string,
  batchSize: number,
): Promise<{ trainDs: SegDataset; valDs: SegDataset | null; batches: BatchFn }> {
  for (const [key, given] of [["train_dataset", s.trainDataset], ["val_dataset", s.valDataset]] as const) {
    const d = cfg[key] as { type?: string; root?: string } | undefined;
    if (d?.type === OBJECT && given === undefined) {
      throw new ConfigError(
        `${where}${key}: this run's data set was an object (${d.root}), not a config section; ` +
          `pass it again (${
            key === "train_dataset" ? "trainDataset" : "valDataset"
          }) or give ${key} in the config`,
      );
    }
  }
  const trainDs = s.trainDataset ??
    (cfg.train_dataset
      ? await createDataset(cfg.train_dataset as Record<string, unknown>, { baseDir })
      : null);
  if (!trainDs) throw new ConfigError(`${where}train_dataset: is required (or pass trainDataset)`);
  const valDs = s.valDataset !== undefined
    ? s.valDataset
    : cfg.val_dataset
    ? await createDataset(cfg.val_dataset as Record<string, unknown>, { baseDir })
    : null;
  if (trainDs.length < batchSize) {
    throw new ConfigError(
      `${where}batch_size: is ${batchSize} but the training set has ${trainDs.length} images (batches drop the last incomplete one)`,
    );
  }
  return { trainDs, valDs, batches: s.batches ?? defaultBatches };
}

/** The model: the given object (checked against the data), or built from `cfg.model` with the seed. */
export function prepareModel(
  s: TrainSpec,
  cfg: Record<string, unknown>,
  where: string,
  trainDs: SegDataset,
  seed: number,
): SegModel {
  if (isSegModel(s.model)) {
    if (s.model.numClasses !== trainDs.numClasses) {
      throw new ConfigError(
        `model: predicts ${s.model.numClasses} classes but the training set has ${trainDs.numClasses}`,
      );
    }
    return s.model;
  }
  const inChannels = (cfg.train_dataset as { img_channels?: number } | undefined)?.img_channels;
  return createModel(cfg.model as Record<string, unknown>, {
    numClasses: trainDs.numClasses,
    inChannels,
    seed: mixSeed(seed, 0x6d6f64),
    path: `${where}model`,
  });
}

/** The loss: the dataset's ignore index, then one type per model output (`cfg.loss` updated). */
export function prepareLoss(
  cfg: Record<string, unknown>,
  where: string,
  trainDs: SegDataset,
  model: SegModel,
): LossConfig {
  const lossSection = syncIgnoreIndex(cfg.loss as LossSection, trainDs.ignoreIndex, `${where}loss`);
  cfg.loss = lossSection;
  let loss: LossConfig;
  try {
    loss = createLossConfig(lossSection, `${where}loss`);
  } catch (e) {
    throw new ConfigError((e as Error).message);
  }
  if (loss.types.length !== model.numOutputs) {
    throw new ConfigError(
      `${where}loss: ${model.description.split(",")[0]} gives ${model.numOutputs} output${
        model.numOutputs === 1 ? "" : "s"
      } in training ` +
        `([${model.outputNames.join(", ")}]) but loss.types has ${loss.types.length} entr${
          loss.types.length === 1 ? "y" : "ies"
        } ` +
        `(coef ${JSON.stringify(loss.coef)}); give one loss type and one coef per output`,
    );
  }
  return loss;
}

/**
 * Prepares a run and its starting state (fresh, or restored from the checkpoint being resumed).
 * On failure frees what it built (the model only when it built it).
 */
export async function prepareRun(spec: string | TrainSpec): Promise<{ run: PreparedRun; state: TrainState }> {
  const s: TrainSpec = typeof spec === "string" ? { config: spec } : { ...spec };
  const log = makeLogger(s.log);
  const say = makeSayer(s.log);
  const stop = stopWatch(s.signal);
  const { cfg, where, baseDir } = resolveRunConfig(s, log);
  const { settings, saveDir, resumed, lock } = await resolveSettings(s, cfg, where, baseDir, log, say);
  const seed = settings.seed;
  const ownsModel = !isSegModel(s.model);
  let model: SegModel | null = null;
  let optimizer: Optimizer | null = null;
  let state: TrainState | null = null;
  try {
    const given = await prepareData(s, cfg, where, baseDir, settings.batchSize);
    const { train: trainDs, val: valDs } = await screenData(given.trainDs, given.valDs, {
      check: s.checkData,
      skip: s.skipBadSamples,
      progress: s.progress !== false,
      say,
      signal: stop.signal,
    });
    const batches = given.batches;
    model = prepareModel(s, cfg, where, trainDs, seed);
    if (ownsModel && !resumed) {
      await loadInitialWeights(model, cfg.model as Record<string, unknown>, baseDir, log);
    }
    cfg.model = structuredClone(model.config);
    const loss = prepareLoss(cfg, where, trainDs, model);
    optimizer = createOptimizer(cfg.optimizer, `${where}optimizer`);
    const lrOf = createLrScheduler(cfg.lr_scheduler, { iters: settings.iters, path: `${where}lr_scheduler` });
    cfg.optimizer = { ...optimizer.config };
    // The schedule is recorded as written: defaults that depend on iters (decay_steps) are derived again
    // when a checkpoint is resumed or fine-tuned with other iters, as PaddleSeg does.
    const infer = s.eval?.infer ?? inferOptionsFromConfig(cfg.test_config, `${where}test_config`);
    const run: PreparedRun = {
      spec: s,
      log,
      say,
      stop,
      lock,
      emit: (e) => s.onProgress?.(e),
      where,
      cfg,
      baseDir,
      settings,
      seed,
      saveDir,
      trainDs,
      valDs,
      batches,
      model,
      ownsModel,
      loss,
      optimizer,
      lrOf,
      named: model.net.trainableWeights.map((w) => ({
        name: w.originalName,
        variable: w.read() as tf.Variable,
      })),
      doEval: settings.doEval && valDs !== null && valDs.length > 0,
      evalOpts: { batchSize: s.eval?.batchSize ?? settings.batchSize, maxSamples: s.eval?.maxSamples, infer },
      valSamples: valDs ? sampleCache(valDs) : null,
      classNames: valDs && valDs.classNames.length === model.numClasses ? valDs.classNames : undefined,
    };
    state = newTrainState();
    if (resumed) await restoreResume(run, state, resumed);
    return { run, state };
  } catch (e) {
    resumed?.dispose();
    if (state) disposeTrainState(state);
    if (ownsModel) model?.dispose();
    optimizer?.dispose();
    lock?.release();
    throw e;
  }
}
