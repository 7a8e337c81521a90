/**
 * TensorFlow.js and backend selection.
 * @module
 */
export { tf } from "./tf.ts";
export { ready, backendReport, BACKENDS } from "./ready.ts";
export type { BackendName, ReadyOptions } from "./ready.ts";
export { backendOnDevice, markDeviceBackend } from "./device.ts";
