/**
 * TensorFlow.js and backend selection: `ready()` picks `tensorflow` (tfjs-node-gpu/-node),
 * `webgpu`, `wasm` (with seglab's training kernels) or `cpu`, and reports why.
 * @module
 */
export { tf } from "../core/tf.ts";
export { backendInfo, backendReport, BACKENDS, ready } from "./ready.ts";
export type { BackendInfo, BackendName, ReadyOptions } from "./ready.ts";
export type { GpuAdapterSummary, Probes } from "./probes.ts";
export { backendOnDevice, markDeviceBackend } from "./device.ts";
export { readData, readScalars, requireSyncReads, syncReadsWork } from "./read.ts";
export { GpuDeviceError, gpuDeviceState } from "./webgpu/gpu_device.ts";
export type { GpuDeviceState } from "./webgpu/gpu_device.ts";
export { GpuLimitError } from "./webgpu/limits_guard.ts";
export { setStrictAsyncReads, strictAsyncReads, SyncReadError } from "./webgpu/sync_reads.ts";
export { registerWasmTrainingKernels, WASM_TRAINING_KERNELS } from "./wasm/register_kernels.ts";
export { registerSeglabGradients, SEGLAB_GRADIENTS } from "./gradients/register_gradients.ts";
export { batchNormTraining } from "./fused/batch_norm_training.ts";
