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
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import { tf } from "../backend/tf.ts";
import { ConfigError } from "../config/config_error.ts";
import type { SeglabConfig } from "../config/parse_config.ts";
import { DISPLAY, type MimeBundle } from "../display/mime.ts";
import { escapeHtml } from "../display/escape.ts";
import { Progress } from "../display/progress.ts";
import { getOutputSink } from "../display/sink.ts";
import { metricsLine } from "../metrics/seg_metrics.ts";
import { createLossConfig, type LossConfig, type LossSection } from "../losses/loss_config.ts";
import type { LossSpec } from "../losses/types.ts";
import { LossError } from "../losses/errors.ts";
import { createModel } from "../models/create_model.ts";
import type { SegModel } from "../models/seg_model.ts";
import { mixSeed, randomSeed } from "../models/seed.ts";
import { withForwardSeed } from "../models/layers/random_context.ts";
import type { Figure } from "../plots/figure.ts";
import {
  applyCheckpoint,
  type CheckpointState,
  listCheckpoints,
  loadCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
import { type BatchFn, datasetsModule, type SegDataset } from "./data.ts";
import { type EvalResult, evaluate, type EvaluateOptions, sampleCache } from "./evaluate.ts";
import { evalColumns, History } from "./history.ts";
import { inferOptionsFromConfig } from "./infer.ts";
import { createLrScheduler, type LrScheduler } from "./lr_scheduler.ts";
import { createOptimizer, type Optimizer } from "./optimizer.ts";
import { checkSections, ignoredKeys, loadConfig, type RunSettings, runSettings } from "./run_config.ts";
import { syncIgnoreIndex } from "./sync_ignore_index.ts";
import { explainWasmFailure } from "../backend/wasm/heap_guard.ts";
import { readScalars } from "../backend/read.ts";
import { settleLossChecks } from "../losses/device_checks.ts";
import { explainGpuFailure } from "./gpu_failure.ts";

/** What `train` reports while it runs (`onProgress`). */
export type TrainEvent =
  | {
    type: "start";
    iter: number;
    iters: number;
    model: SegModel;
    description: string;
    seed: number;
    saveDir: string | null;
  }
  | {
    type: "iter";
    iter: number;
    iters: number;
    lr: number;
    loss: number;
    terms: Record<string, number>;
    sec: number;
  }
  | { type: "eval"; iter: number; metrics: EvalResult; best: boolean }
  | { type: "checkpoint"; iter: number; dir: string }
  | { type: "done"; iter: number; best: TrainResult["best"] };

/** What to train: a config and overrides, or objects. */
export interface TrainSpec {
  /** A PaddleSeg YAML path, or a mapping of its keys. */
  config?: string | Record<string, unknown>;
  /** Where relative paths in a config mapping resolve (default: the YAML's folder, else the working directory). */
  baseDir?: string;
  /** Overrides of the config (PaddleSeg's command-line options). */
  iters?: number;
  batchSize?: number;
  /** Sets `lr_scheduler.learning_rate`. */
  learningRate?: number;
  seed?: number;
  /** Checkpoints go here (`iter_<k>/`, `best_model/`, `history.csv`); none when null (default). */
  saveDir?: string | null;
  saveInterval?: number;
  evalInterval?: number;
  logIters?: number;
  keepCheckpointMax?: number;
  /** Evaluate on `val_dataset` (default true when there is one). */
  doEval?: boolean;
  /** Continue from the latest checkpoint in `saveDir` (true) or from the given checkpoint folder. */
  resume?: boolean | string;
  /** Objects instead of config sections. */
  model?: SegModel | Record<string, unknown>;
  trainDataset?: SegDataset;
  valDataset?: SegDataset | null;
  loss?: LossSection | LossSpec;
  optimizer?: Record<string, unknown>;
  lrScheduler?: Record<string, unknown>;
  /** The batch source (default: `seglab/datasets`' `batches`), e.g. a class-balanced sampler. */
  batches?: BatchFn;
  /** Evaluation options (`infer` defaults to the config's `test_config`). */
  eval?: Omit<EvaluateOptions, "samples" | "progress">;
  /** Show a progress bar / notebook display (default true). */
  progress?: boolean;
  /** PaddleSeg-style `[TRAIN]` / `[EVAL]` log lines: true (stderr), false, or a function (default: on in a terminal, off in notebooks). */
  log?: boolean | ((line: string) => void);
  onProgress?: (event: TrainEvent) => void;
  /** Stops the run after the current iteration; `train` then resolves with `completed: false`. */
  signal?: AbortSignal;
  /** Used by `finetune`: where the starting weights came from (recorded in the result). */
  startedFrom?: string;
}

/** The outcome of a run. Displays as a summary with the curves in notebooks. */
export interface TrainResult {
  /** The model with its final weights (`useBest()` switches to the best evaluated ones). */
  model: SegModel;
  history: History;
  /** The best evaluation: iteration, mIoU, metrics, and its folder when saved. */
  best: { iter: number; miou: number; metrics: EvalResult | null; dir: string | null } | null;
  /** The last evaluation. */
  metrics: EvalResult | null;
  /** The resolved config (PaddleSeg keys, overrides applied). */
  config: SeglabConfig;
  settings: RunSettings & { seed: number };
  /** Iterations completed. */
  iter: number;
  /** False when stopped by `signal`. */
  completed: boolean;
  saveDir: string | null;
  /** The latest checkpoint written. */
  lastCheckpoint: string | null;
  /** Folder the config's relative paths resolve against. */
  baseDir: string;
  startedFrom: string | null;
  /** Loads the best evaluated weights into `model` (kept in memory even without `saveDir`). */
  useBest(): void;
  /** The loss and mIoU curves. */
  plot(): Figure;
  /** Frees the model and the kept best weights. */
  dispose(): void;
  [DISPLAY](): Promise<MimeBundle>;
}

/** A run stopped by a non-finite loss: the iteration, the loss terms, and the last good checkpoint. */
export class TrainingError extends Error {
  override name = "TrainingError";
  constructor(
    message: string,
    readonly iter: number,
    readonly terms: Record<string, number>,
    readonly lastCheckpoint: string | null,
    readonly history: History,
  ) {
    super(message);
  }
}

/** True when `dir` holds a saved model. */
function listBest(dir: string): boolean {
  return fs.existsSync(path.join(dir, "model.json"));
}

/** The `type` recorded for a data set passed as an object. */
const OBJECT = "<object>";

function isSegModel(x: unknown): x is SegModel {
  return typeof x === "object" && x !== null && "net" in x && "evalNet" in x &&
    typeof (x as SegModel).apply === "function";
}

function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !s.startsWith("file://");
}

function fmt(x: number, d = 4): string {
  return Number.isFinite(x) ? x.toFixed(d) : String(x);
}

function clock(s: number): string {
  const t = Math.max(0, Math.round(s));
  return [Math.floor(t / 3600), Math.floor((t % 3600) / 60), t % 60].map((v) => String(v).padStart(2, "0"))
    .join(":");
}

function makeLogger(opt: TrainSpec["log"]): (line: string) => void {
  if (typeof opt === "function") return opt;
  const on = opt ?? getOutputSink().name === "terminal";
  if (!on) return () => {};
  return (line) => console.error(line);
}

/** Loads `pretrained` weights (model or backbone) from a local checkpoint; warns and skips URLs. */
async function loadPretrained(
  model: SegModel,
  cfg: Record<string, unknown>,
  baseDir: string,
  log: (l: string) => void,
): Promise<void> {
  const entries: [string, string | null, string | undefined][] = [
    ["model.pretrained", cfg.pretrained as string | null, undefined],
    [
      "model.backbone.pretrained",
      (cfg.backbone as Record<string, unknown> | undefined)?.pretrained as string | null,
      "backbone.",
    ],
  ];
  for (const [key, p, prefix] of entries) {
    if (!p) continue;
    if (isUrl(p)) {
      log(
        `[WARNING] ${key}: ${p} is a URL and seglab does not download weights; skipped (give a local checkpoint folder to load one)`,
      );
      console.warn(
        `seglab: ${key}: ${p} is a URL; seglab does not download weights, so the model starts from its initialisation`,
      );
      continue;
    }
    const file = path.resolve(baseDir, p.replace(/^file:\/\//, ""));
    if (/\.(pdparams|pdmodel|pth|pt)$/i.test(file)) {
      throw new ConfigError(
        `${key}: ${p} is a Paddle/PyTorch weights file; seglab loads TensorFlow.js checkpoints (a folder with model.json)`,
      );
    }
    const ck = await loadCheckpoint(file);
    try {
      const n = applyCheckpoint(model, ck, { prefix });
      log(`[INFO] ${key}: loaded ${n} weights from ${ck.dir}`);
    } finally {
      ck.dispose();
    }
  }
}

/** Trains a model (see the module documentation). */
export async function train(spec: string | TrainSpec): Promise<TrainResult> {
  const s: TrainSpec = typeof spec === "string" ? { config: spec } : { ...spec };
  const log = makeLogger(s.log);
  const loaded = loadConfig(s.config, s.baseDir);
  const where = loaded.file ? `${s.config}: ` : "";
  const cfg = loaded.config as Record<string, unknown>;
  const baseDir = loaded.baseDir;

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

  // Paths given in code or on the command line are relative to the working directory, as
  // PaddleSeg's; paths written in the config file (save_dir, datasets, pretrained) to the file.
  const resolveSaveDir = (d: string) =>
    path.resolve(s.saveDir !== undefined && s.saveDir !== null ? "." : baseDir, d);

  // Resume: the checkpoint decides the seed and the state; the config may change iters.
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

  let model: SegModel | null = null;
  let optimizer: Optimizer | null = null;
  let bestWeights: Map<string, tf.Tensor> | null = null;
  const ownsModel = !isSegModel(s.model);
  try {
    // Data sets.
    const needModule = (!s.trainDataset && cfg.train_dataset) ||
      (s.valDataset === undefined && cfg.val_dataset) || !s.batches;
    const dsMod = needModule ? await datasetsModule() : null;
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
        ? await dsMod!.createDataset(cfg.train_dataset as Record<string, unknown>, { baseDir })
        : null);
    if (!trainDs) throw new ConfigError(`${where}train_dataset: is required (or pass trainDataset)`);
    const valDs = s.valDataset !== undefined
      ? s.valDataset
      : cfg.val_dataset
      ? await dsMod!.createDataset(cfg.val_dataset as Record<string, unknown>, { baseDir })
      : null;
    const batches = s.batches ?? dsMod!.batches;
    if (trainDs.length < settings.batchSize) {
      throw new ConfigError(
        `${where}batch_size: is ${settings.batchSize} but the training set has ${trainDs.length} images (batches drop the last incomplete one)`,
      );
    }

    // Model.
    const inChannels = (cfg.train_dataset as { img_channels?: number } | undefined)?.img_channels;
    if (isSegModel(s.model)) {
      model = s.model;
      if (model.numClasses !== trainDs.numClasses) {
        throw new ConfigError(
          `model: predicts ${model.numClasses} classes but the training set has ${trainDs.numClasses}`,
        );
      }
    } else {
      model = createModel(cfg.model as Record<string, unknown>, {
        numClasses: trainDs.numClasses,
        inChannels,
        seed: mixSeed(seed, 0x6d6f64),
        path: `${where}model`,
      });
    }
    if (!isSegModel(s.model) && !resumed) {
      await loadPretrained(model, cfg.model as Record<string, unknown>, baseDir, log);
    }
    cfg.model = structuredClone(model.config);

    // Loss: the dataset's ignore index, then one type per model output.
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

    optimizer = createOptimizer(cfg.optimizer, `${where}optimizer`);
    const lrOf: LrScheduler = createLrScheduler(cfg.lr_scheduler, {
      iters: settings.iters,
      path: `${where}lr_scheduler`,
    });
    cfg.optimizer = { ...optimizer.config };
    // The schedule is recorded as written: defaults that depend on iters (decay_steps) are derived again
    // when a checkpoint is resumed or fine-tuned with other iters, as PaddleSeg does.
    const inferOpts = s.eval?.infer ?? inferOptionsFromConfig(cfg.test_config, `${where}test_config`);

    // Resume state.
    const history = new History();
    let startIter = 0;
    let best: TrainResult["best"] = null;
    let lastCheckpoint: string | null = null;
    if (resumed) {
      const st = resumed.state;
      if (!st) {
        throw new ConfigError(
          `resume: ${resumed.dir} has no train_state.json; it is a model, not a training checkpoint`,
        );
      }
      applyCheckpoint(model, resumed);
      if (resumed.optimizer && st.optimizer?.type === optimizer.type) optimizer.setState(resumed.optimizer);
      else if (st.optimizer) {
        log(
          `[WARNING] resume: the checkpoint's optimizer is ${st.optimizer.type}, this run's ${optimizer.type}; its state is not restored`,
        );
      }
      startIter = st.iter;
      for (const r of st.history) history.push(r);
      if (st.best) {
        // The metrics object of that evaluation is in the history; the weights in best_model/.
        const bestDir = saveDir ? path.join(saveDir, "best_model") : null;
        best = { iter: st.best.iter, miou: st.best.miou, metrics: null, dir: bestDir };
        if (bestDir && listBest(bestDir)) {
          const b = await loadCheckpoint(bestDir);
          bestWeights = new Map(Object.entries(b.weights));
        }
      }
      lastCheckpoint = resumed.dir;
      resumed.dispose();
      if (startIter >= settings.iters) {
        log(`[INFO] resume: ${resumed.dir} is at iteration ${startIter} of ${settings.iters}; nothing to do`);
      } else log(`[INFO] resume: continuing from iteration ${startIter} (${resumed.dir})`);
    }

    const named = model.net.trainableWeights.map((w) => ({
      name: w.originalName,
      variable: w.read() as tf.Variable,
    }));
    const vars = named.map((n) => n.variable);
    const doEval = settings.doEval && valDs !== null && valDs.length > 0;
    const valSamples = valDs ? sampleCache(valDs) : null;
    const evalOpts: EvaluateOptions = {
      batchSize: s.eval?.batchSize ?? settings.batchSize,
      maxSamples: s.eval?.maxSamples,
      infer: inferOpts,
    };
    const bar = s.progress === false
      ? null
      : new Progress({ total: settings.iters, label: `train ${model.type}`, unit: "it" });
    const emit = (e: TrainEvent) => s.onProgress?.(e);
    const classNames = valDs && valDs.classNames.length === model.numClasses ? valDs.classNames : undefined;

    log(
      `[INFO] ${model.description}; ${settings.iters} iterations, batch ${settings.batchSize}, seed ${seed}, backend ${tf.getBackend()}` +
        `${saveDir ? `, saving to ${saveDir}` : ""}`,
    );
    emit({
      type: "start",
      iter: startIter,
      iters: settings.iters,
      model,
      description: model.description,
      seed,
      saveDir,
    });
    bar?.update(startIter);

    const stateFor = (
      iter: number,
      extra?: Record<string, unknown>,
    ): Omit<CheckpointState, "format" | "version" | "savedAt" | "backend" | "optimizer"> => ({
      iter,
      iters: settings.iters,
      seed,
      model: model!.config,
      config: cfg,
      history: history.toJSON(),
      best: best ? { iter: best.iter, miou: best.miou } : null,
      extra: { baseDir, ...(s.startedFrom ? { startedFrom: s.startedFrom } : {}), ...extra },
    });

    let iter = startIter;
    let knownTerms: string[] = history.terms;
    let completed = true;
    let metrics: EvalResult | null = null;
    const t0 = performance.now();
    const it = startIter < settings.iters
      ? batches(trainDs, {
        batchSize: settings.batchSize,
        shuffle: true,
        seed,
        dropLast: true,
        loop: true,
        startStep: startIter,
      })
      : null;
    try {
      while (iter < settings.iters) {
        if (s.signal?.aborted) {
          completed = false;
          break;
        }
        const tRead = performance.now();
        const next = await it!.next();
        if (next.done) throw new Error("the batch source ended before the last iteration (it must loop)");
        const batch = next.value;
        const readSec = (performance.now() - tRead) / 1000;
        const step = iter; // completed iterations = 0-based step
        const tStep = performance.now();
        let termNames: string[] = [];
        let termValues: number[] = [];
        let total = NaN;
        let result: { value: tf.Scalar; grads: tf.NamedTensorMap } | null = null;
        let termTensors: tf.Scalar[] = [];
        try {
          if (batch.images.shape[3] !== model.inChannels) {
            throw new ConfigError(
              `the training images have ${
                batch.images.shape[3]
              } channels but ${model.type} takes ${model.inChannels} ` +
                `(set model.in_channels or the dataset's img_channels)`,
            );
          }
          const extras = batch.edges ? { edges: batch.edges } : undefined;
          const stopped = (value: number, cause: string) => {
            const names = termNames.length ? termNames : knownTerms;
            const vals = termNames.length ? termValues : names.map(() => NaN);
            const termText = names.map((n, i) => `${n}=${vals[i]}`).join(", ");
            return new TrainingError(
              `iteration ${
                step + 1
              }: the loss is ${value} (${termText}); training stopped before this update. ` +
                (lastCheckpoint
                  ? `The last good checkpoint is ${lastCheckpoint}.`
                  : `No checkpoint had been written yet.`) +
                ` ${cause}Lower the learning rate (now ${
                  fmt(lrOf(step), 6)
                }) or check the images, labels and loss settings.`,
              step + 1,
              Object.fromEntries(names.map((n, i) => [n, vals[i]])),
              lastCheckpoint,
              history,
            );
          };
          try {
            result = tf.variableGrads(() =>
              withForwardSeed(mixSeed(seed, step, 0x64726f70), () => {
                const outputs = model!.apply(batch.images, { training: true });
                const terms = loss.terms(outputs, batch.labels, extras);
                termNames = terms.map((t) => t.name);
                termTensors = terms.map((t) => tf.keep(t.value));
                return (terms.length === 1
                  ? terms[0].value
                  : tf.addN(terms.map((t) => t.value))) as tf.Scalar;
              }), vars);
            // On webgpu the losses' input checks run on the device: their verdict, before the update.
            await settleLossChecks();
          } catch (e) {
            // The losses refuse non-finite logits: the model's outputs already diverged.
            if (e instanceof LossError && /non-finite/.test(e.message)) {
              throw stopped(NaN, `(${e.message.split(";")[0]}.) `);
            }
            throw e;
          }
          // Every value of the step in one asynchronous read (no synchronous read on a GPU).
          const read = await readScalars([...termTensors, result.value]);
          total = read.pop()!;
          termValues = read;
          const terms = Object.fromEntries(termNames.map((n, i) => [n, termValues[i]]));
          if (!Number.isFinite(total) || termValues.some((v) => !Number.isFinite(v))) {
            throw stopped(total, "");
          }
          knownTerms = termNames;
          const lr = lrOf(step);
          const grads = vars.map((v) => result!.grads[v.name]);
          optimizer.apply(named, grads, lr);
          iter = step + 1;
          const sec = (performance.now() - tStep) / 1000;
          history.push({ iter, lr, ...terms, loss: total, sec });
          emit({ type: "iter", iter, iters: settings.iters, lr, loss: total, terms, sec });
          if (iter % settings.logIters === 0 || iter === settings.iters) {
            const rows = history.rows.slice(-settings.logIters);
            const avg = (k: string) => rows.reduce((a, r) => a + (r[k] ?? 0), 0) / rows.length;
            const cost = avg("sec");
            const eta = (settings.iters - iter) * cost;
            log(
              `[TRAIN] epoch: ${batch.epoch + 1}, iter: ${iter}/${settings.iters}, loss: ${
                fmt(avg("loss"))
              }, lr: ${fmt(lr, 6)}, ` +
                `batch_cost: ${fmt(cost)}, reader_cost: ${fmt(readSec, 5)}, ips: ${
                  fmt(settings.batchSize / Math.max(cost, 1e-9), 4)
                } samples/sec | ETA ${clock(eta)}` +
                (termNames.length > 1 ? ` | ${termNames.map((n) => `${n}: ${fmt(avg(n))}`).join(", ")}` : ""),
            );
          }
          bar?.update(iter, { loss: total, lr, ...(best ? { best_mIoU: best.miou } : {}) });
        } finally {
          tf.dispose(termTensors.filter((t) => t !== result?.value));
          if (result) {
            result.value.dispose();
            tf.dispose(Object.values(result.grads));
          }
          batch.images.dispose();
          batch.labels.dispose();
          batch.edges?.dispose();
        }

        // Evaluate, then checkpoint (so the checkpoint's history holds the evaluation).
        if (doEval && (iter % settings.evalInterval === 0 || iter === settings.iters)) {
          metrics = await evaluate(model, valDs!, { ...evalOpts, samples: valSamples! });
          history.addEval(iter, evalColumns(metrics, classNames));
          const improved = !best || metrics.miou > best.miou;
          log(`[EVAL] #Images: ${metrics.numImages} ${metricsLine(metrics)}`);
          log(`[EVAL] Class IoU: [${metrics.classIoU.map((v) => v.toFixed(4)).join(" ")}]`);
          if (improved) {
            best = {
              iter,
              miou: metrics.miou,
              metrics,
              dir: saveDir ? path.join(saveDir, "best_model") : null,
            };
            if (bestWeights) tf.dispose([...bestWeights.values()]);
            bestWeights = new Map(model.namedWeights().map((w) => [w.name, w.tensor.clone()]));
            if (saveDir) {
              await saveCheckpoint(path.join(saveDir, "best_model"), {
                model,
                state: stateFor(iter, {
                  metrics: {
                    miou: metrics.miou,
                    acc: metrics.acc,
                    kappa: metrics.kappa,
                    dice: metrics.dice,
                    classIoU: metrics.classIoU,
                  },
                }),
              });
            }
          }
          log(
            `[EVAL] The model with the best validation mIoU (${fmt(best!.miou)}) was ${
              saveDir ? "saved" : "kept"
            } at iter ${best!.iter}.`,
          );
          emit({ type: "eval", iter, metrics, best: improved });
          bar?.update(iter, { loss: total, mIoU: metrics.miou, best_mIoU: best!.miou });
        }
        if (saveDir && (iter % settings.saveInterval === 0 || iter === settings.iters)) {
          const dir = path.join(saveDir, `iter_${iter}`);
          await saveCheckpoint(dir, { model, optimizer, state: stateFor(iter) });
          lastCheckpoint = dir;
          await history.save(path.join(saveDir, "history.csv"));
          const old = listCheckpoints(saveDir);
          for (const c of old.slice(0, Math.max(0, old.length - settings.keepCheckpointMax))) {
            await fsp.rm(c.dir, { recursive: true, force: true });
          }
          emit({ type: "checkpoint", iter, dir });
        }
      }
    } catch (e) {
      bar?.fail();
      throw explainWasmFailure(await explainGpuFailure(e, lastCheckpoint));
    } finally {
      await it?.return?.(undefined);
    }
    const totalSec = (performance.now() - t0) / 1000;
    bar?.done(best ? { best_mIoU: best.miou } : undefined);
    log(
      `[INFO] ${completed ? "finished" : "stopped"} at iteration ${iter} in ${clock(totalSec)}` +
        (best ? `; best mIoU ${fmt(best.miou)} at iter ${best.iter}` : ""),
    );
    emit({ type: "done", iter, best });
    if (saveDir) await history.save(path.join(saveDir, "history.csv"));

    const finalModel = model;
    const kept = bestWeights;
    bestWeights = null;
    const result: TrainResult = {
      model: finalModel,
      history,
      best,
      metrics,
      config: cfg as SeglabConfig,
      settings,
      iter,
      completed,
      saveDir,
      lastCheckpoint,
      baseDir,
      startedFrom: s.startedFrom ?? null,
      useBest() {
        if (!kept) {
          throw new Error(
            "useBest: no evaluation has run, so there is no best model (give val_dataset and eval_interval)",
          );
        }
        finalModel.setWeights(Object.fromEntries(kept), { source: `the best weights (iter ${best!.iter})` });
      },
      plot: () =>
        history.plot({
          title: `${finalModel.type} — ${
            (cfg.loss as LossSection).types.map((t) => (t as LossSpec).type ?? "loss").join(" + ")
          }`,
        }),
      dispose() {
        if (kept) tf.dispose([...kept.values()]);
        kept?.clear();
        finalModel.dispose();
      },
      async [DISPLAY](): Promise<MimeBundle> {
        const summary =
          `${finalModel.description}\n${iter}/${settings.iters} iterations${completed ? "" : " (stopped)"}` +
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
  } catch (e) {
    if (bestWeights) tf.dispose([...bestWeights.values()]);
    if (ownsModel) model?.dispose();
    optimizer?.dispose();
    throw e;
  } finally {
    // The optimizer's slots are part of checkpoints; in memory they are no longer needed.
    optimizer?.dispose();
  }
}
