/**
 * Whether the current backend keeps tensors on a device (GPU), where reading data back to
 * JavaScript is expensive. Losses with a typed-array fast path use it only when this is false.
 * @module
 */
import { tf } from "../core/tf.ts";

const DEVICE_BACKENDS = new Set(["webgl", "webgpu", "tensorflow-gpu"]);
const KEY = Symbol.for("seglab.deviceBackend");

/** Marks (or unmarks) the named backend as device-resident — e.g. tfjs-node running on a GPU. */
export function markDeviceBackend(name: string, onDevice: boolean): void {
  const g = globalThis as { [KEY]?: Record<string, boolean> };
  (g[KEY] ??= {})[name] = onDevice;
}

/** True when the active backend's tensors live on a device. */
export function backendOnDevice(name: string = tf.getBackend()): boolean {
  const marks = (globalThis as { [KEY]?: Record<string, boolean> })[KEY];
  if (marks && name in marks) return marks[name];
  return DEVICE_BACKENDS.has(name);
}
