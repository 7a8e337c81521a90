/**
 * seglab: segmentation losses (Lovász hinge and softmax, cross entropy, BCE, Dice, focal, OHEM,
 * `MixedLoss`), PaddleSeg configs, models, training and fine-tuning, metrics, plots and the
 * display protocol its notebook kernel uses, on TensorFlow.js. Tensors are NHWC.
 *
 * A short guide:
 * - `ready()` picks a backend (and `tf` is TensorFlow.js);
 * - `createLoss` / `createLossConfig` build a loss (or a PaddleSeg `loss:` section with its
 *   coefficients) and `parseConfig` reads a PaddleSeg YAML file;
 * - `train`, `finetune`, `evaluate` and `predict` run PaddleSeg's training loop and its tools;
 * - `readPdparams` / `loadPdparams` / `savePdparams` bring PaddleSeg checkpoints in and out;
 * - `segMetrics`, `confusionMatrix` and friends measure; `plot`, `display`, `table` and
 *   `Progress` show results in notebooks and terminals.
 *
 * Internals (kernels, gradients, layers, checkpoint files) are imported from their files.
 *
 * @example
 * ```ts
 * import { createLossConfig, parseConfig, ready, tf } from "seglab";
 * await ready(undefined, { quiet: true });
 * const cfg = parseConfig("loss:\n  types: [{type: LovaszSoftmaxLoss}, {type: CrossEntropyLoss}]\n  coef: [1, 1]\n");
 * const loss = createLossConfig(cfg.loss!);
 * const logits = tf.randomNormal([2, 16, 16, 3]) as tf.Tensor4D;
 * const labels = tf.randomUniform([2, 16, 16], 0, 3, "int32") as tf.Tensor3D;
 * for (const t of loss.terms([logits], labels)) console.log(t.name, (await t.value.data())[0]);
 * ```
 * @module
 */
export { tf } from "./core/tf.ts";
export { DISPLAY } from "./core/mime.ts";
export type { Displayable, MimeBundle } from "./core/mime.ts";

export { backendInfo, backendReport, ready } from "./backend/mod.ts";
export type { BackendInfo, BackendName, ReadyOptions } from "./backend/mod.ts";
// GPU (webgpu): reading values asynchronously, and what fails there.
export {
  GpuDeviceError,
  GpuLimitError,
  readData,
  readScalars,
  setStrictAsyncReads,
  SyncReadError,
  syncReadsWork,
} from "./backend/mod.ts";

export {
  bce,
  createLoss,
  createLossConfig,
  crossEntropy,
  dice,
  focal,
  LOSS_TYPES,
  LossError,
  lovaszHinge,
  lovaszSoftmax,
  mixedLoss,
  multiClassFocal,
  ohemCrossEntropy,
  settleLossChecks,
} from "./losses/mod.ts";
export type {
  Loss,
  LossConfig,
  LossExtras,
  LossSection,
  LossSpec,
  LossTerm,
  LossType,
  LovaszHingeOptions,
  LovaszSoftmaxOptions,
} from "./losses/mod.ts";

export {
  addLogitsToConfusion,
  addLogitsToConfusionAsync,
  addToConfusion,
  addToConfusionAsync,
  confusionMatrix,
  confusionMatrixAsync,
  emptyConfusion,
  metricsLine,
  segMetrics,
  sumConfusion,
} from "./metrics/mod.ts";
export type { ConfusionMatrix, SegMetrics } from "./metrics/mod.ts";

export { ConfigError, mergeConfig, parseConfig } from "./config/mod.ts";
export type { ParseConfigOptions, SeglabConfig } from "./config/mod.ts";

export { display, getOutputSink, Progress, setOutputSink, table } from "./display/mod.ts";
export type { DisplayHandle, DisplayOptions, OutputSink, ProgressOptions, TableLike } from "./display/mod.ts";

export { imageGrid, maskImage, overlayImage, Plot, plot, rgbImage } from "./plots/mod.ts";
export type { Figure, GridOptions, MaskOptions, PlotOptions } from "./plots/mod.ts";

export { createModel, MODEL_TYPES, SegModel } from "./models/mod.ts";
export type { ModelConfig } from "./models/mod.ts";

export {
  loadPdparams,
  PaddleCheckpointError,
  readPdparams,
  savePdparams,
  writePdparams,
} from "./paddle/mod.ts";
export type { NdArray, PaddleLoadOptions, PaddleLoadResult } from "./paddle/mod.ts";

export {
  checkDataset,
  CheckpointError,
  compareRuns,
  evaluate,
  finetune,
  History,
  loadCheckpoint,
  LockError,
  predict,
  StoppedError,
  train,
  TrainingError,
} from "./train/mod.ts";
export type {
  EvalResult,
  EvaluateOptions,
  FinetuneSpec,
  Prediction,
  PredictOptions,
  PredictResult,
  TrainEvent,
  TrainResult,
  TrainSpec,
} from "./train/mod.ts";
