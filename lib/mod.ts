/**
 * seglab: segmentation losses (Lovász hinge and softmax, cross entropy, BCE, Dice, focal, OHEM,
 * `MixedLoss`), PaddleSeg configs, metrics, and the display protocol its notebook kernel uses,
 * on TensorFlow.js. Tensors are NHWC.
 *
 * @example
 * ```ts
 * import { createLossConfig, parseConfig, ready, tf } from "seglab";
 * await ready();                                   // picks and reports the backend
 * const cfg = parseConfig(await Deno.readTextFile("road_lovasz.yml"), { path: "road_lovasz.yml" });
 * const loss = createLossConfig(cfg.loss!);
 * const logits = [tf.randomNormal([2, 64, 64, 2]) as tf.Tensor4D, tf.randomNormal([2, 64, 64, 2]) as tf.Tensor4D];
 * const labels = tf.randomUniform([2, 64, 64], 0, 2, "int32") as tf.Tensor3D;
 * for (const t of loss.terms(logits, labels)) console.log(t.name, (await t.value.data())[0]);
 * ```
 * @module
 */
export { tf } from "./backend/tf.ts";
export {
  backendInfo,
  backendOnDevice,
  backendReport,
  BACKENDS,
  batchNormTraining,
  markDeviceBackend,
  ready,
  registerSeglabGradients,
  registerWasmTrainingKernels,
  SEGLAB_GRADIENTS,
  WASM_TRAINING_KERNELS,
} from "./backend/mod.ts";
export {
  GpuDeviceError,
  gpuDeviceState,
  GpuLimitError,
  readData,
  readScalars,
  setStrictAsyncReads,
  strictAsyncReads,
  SyncReadError,
  syncReadsWork,
} from "./backend/mod.ts";
export type {
  BackendInfo,
  BackendName,
  GpuAdapterSummary,
  GpuDeviceState,
  Probes,
  ReadyOptions,
} from "./backend/mod.ts";
export * from "./losses/mod.ts";
export * from "./metrics/mod.ts";
export * from "./config/mod.ts";
export * from "./display/mod.ts";
export * from "./plots/mod.ts";
export * from "./models/mod.ts";
export * from "./train/mod.ts";
