/**
 * The shapes `train` takes and gives: its spec (config, overrides, objects, run options), the
 * events it reports while it runs, its result, and the error a non-finite loss raises. Kept apart
 * from the phases so each phase (prepare, step, evaluate, checkpoint) can name them.
 * @module
 */
import type { SeglabConfig } from "../config/parse_config.ts";
import type { DISPLAY, MimeBundle } from "../core/mime.ts";
import type { LossSection } from "../losses/loss_config.ts";
import type { LossSpec } from "../losses/types.ts";
import type { SegModel } from "../models/seg_model.ts";
import type { Figure } from "../plots/figure.ts";
import type { BatchFn, SegDataset } from "./data.ts";
import type { EvalResult, EvaluateOptions } from "./evaluate.ts";
import type { History } from "./history.ts";
import type { RunSettings } from "./run_config.ts";

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
  | { type: "stopped"; iter: number; reason: string; checkpoint: string | null }
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
  /**
   * Stops the run after the current iteration; `train` then resolves with `completed: false` and
   * `stopped` saying where. In a notebook the cell's interrupt stops it too (docs/reliability.md).
   */
  signal?: AbortSignal;
  /** A stopped run writes `iter_<N>` at the iteration it stopped, resumable (default true; needs saveDir). */
  saveOnStop?: boolean;
  /** Decode every training and validation image and label once before training, listing all problems. */
  checkData?: boolean;
  /** Skip samples that cannot be decoded (with a warning listing them) instead of failing. */
  skipBadSamples?: boolean;
  /** Used by `finetune`: where the starting weights came from (recorded in the result). */
  startedFrom?: string;
}

/** Where a stopped run stopped, why ("interrupt", "SIGINT", …), and the checkpoint written then. */
export type StopInfo = { iter: number; reason: string; checkpoint: string | null };

/** The best evaluation of a run: iteration, mIoU, metrics, and its folder when saved. */
export type BestEval = { iter: number; miou: number; metrics: EvalResult | null; dir: string | null };

/** The outcome of a run. Displays as a summary with the curves in notebooks. */
export interface TrainResult {
  /** The model with its final weights (`useBest()` switches to the best evaluated ones). */
  model: SegModel;
  history: History;
  /** The best evaluation: iteration, mIoU, metrics, and its folder when saved. */
  best: BestEval | null;
  /** The last evaluation. */
  metrics: EvalResult | null;
  /** The resolved config (PaddleSeg keys, overrides applied). */
  config: SeglabConfig;
  settings: RunSettings & { seed: number };
  /** Iterations completed. */
  iter: number;
  /** False when stopped (by `signal`, a notebook interrupt, Ctrl-C). */
  completed: boolean;
  /** Where a stopped run stopped, why, and the checkpoint written then (null when it ran to the end). */
  stopped: StopInfo | null;
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
