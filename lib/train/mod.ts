/**
 * Training: `train` (PaddleSeg's loop, configs and checkpoints), `finetune` (recipe 2: CE, then
 * a Lovász loss), `evaluate` and `predict` with whole-image, sliding-window or resize inference,
 * optimizers and learning-rate schedules from PaddleSeg's sections, TensorFlow.js checkpoints
 * (`fileIO`, `loadCheckpoint`) and the run history (an arquero table with its figure).
 *
 * @example
 * ```ts
 * import { finetune, train } from "seglab";
 * const ce = await train({ config: "configs/road_ce.yml", iters: 100, saveDir: "out/ce" });
 * const lovasz = await finetune({ from: "out/ce/best_model", loss: { type: "LovaszHingeLoss" }, iters: 50, lr: 0.001 });
 * lovasz.history.plot();
 * ```
 * @module
 */
export { train, TrainingError } from "./train.ts";
export type { TrainEvent, TrainResult, TrainSpec } from "./train.ts";
export type { StopInfo } from "./train_types.ts";
export { finetune } from "./finetune.ts";
export type { FinetuneSpec } from "./finetune.ts";
export { evaluate, sampleCache } from "./evaluate.ts";
export type { EvalResult, EvaluateOptions, SampleSource } from "./evaluate.ts";
export { inferLogits, inferOptionsFromConfig } from "./infer.ts";
export { predict } from "./predict.ts";
export type { Prediction, PredictOptions, PredictResult } from "./predict.ts";
export { decodeMaskPng, encodeMaskPng, fullPalette } from "./mask_png.ts";
export type { InferOptions } from "./infer.ts";
export { createOptimizer } from "./optimizer.ts";
export type { NamedVariable, Optimizer, OptimizerState } from "./optimizer.ts";
export { createLrScheduler, LR_SCHEDULER_TYPES } from "./lr_scheduler.ts";
export type { LrScheduler } from "./lr_scheduler.ts";
export { EVAL_COLUMNS, History } from "./history.ts";
export type { HistoryRow } from "./history.ts";
export { compareRuns } from "./compare.ts";
export type { Comparison, RunLike } from "./compare.ts";
export {
  applyCheckpoint,
  listCheckpoints,
  loadCheckpoint,
  resolveCheckpoint,
  saveCheckpoint,
} from "./checkpoint.ts";
export type { CheckpointState, LoadedCheckpoint } from "./checkpoint.ts";
export { CheckpointError, fileIO } from "./file_io.ts";
export type { Batch, BatchFn, BatchOptions, SegDataset, SegSample } from "./data.ts";
export { StoppedError } from "../core/stop.ts";
export { LOCK_FILE, LockError, lockSaveDir } from "./save_lock.ts";
export type { LockOwner, SaveLock } from "./save_lock.ts";
export { cleanDebris } from "./debris.ts";
export { checkDataset, skipBadSamples } from "./check_data.ts";
export type { DataCheck, DataProblem } from "./check_data.ts";
