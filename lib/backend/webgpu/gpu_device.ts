/**
 * Creating the WebGPU device seglab trains on: the adapter's maximum limits requested (the
 * defaults cap a storage binding at 128 MiB), and its health watched — a lost device or an
 * out-of-memory reported by the runtime turns into a {@linkcode GpuDeviceError} naming the backend
 * and what to do, raised by the next read ({@linkcode readData}) instead of a hang.
 * @module
 */
import { ensureRuntimeDir } from "./runtime_dir.ts";

/** A WebGPU device that was lost or ran out of memory. */
export class GpuDeviceError extends Error {
  override name = "GpuDeviceError";
}

/** The limits seglab asks for, at the adapter's maximum. */
const LIMITS = [
  "maxBufferSize",
  "maxStorageBufferBindingSize",
  "maxComputeWorkgroupStorageSize",
  "maxComputeWorkgroupsPerDimension",
  "maxComputeWorkgroupSizeX",
  "maxComputeWorkgroupSizeY",
  "maxComputeWorkgroupSizeZ",
  "maxComputeInvocationsPerWorkgroup",
  "maxStorageBuffersPerShaderStage",
  "maxUniformBufferBindingSize",
  "maxBindGroups",
] as const;

// deno-lint-ignore no-explicit-any
type Any = any;

/** What the active seglab-created device reports; null before one exists. */
export interface GpuDeviceState {
  device: Any;
  adapterInfo: Record<string, unknown>;
  limits: Record<string, number>;
  /** Why the device was lost (null while it is alive). */
  lost: string | null;
  /** The first out-of-memory or internal error the device reported (null if none). */
  failure: string | null;
  /** Resolves when the device is lost. */
  lostPromise: Promise<string>;
}

let state: GpuDeviceState | null = null;
/** Rejecters of reads in flight, called when the device is lost or fails. */
const waiting = new Set<(e: Error) => void>();

/**
 * Awaits `read` (a tensor download), rejecting with a {@linkcode GpuDeviceError} as soon as the
 * device is lost or reports a failure, so that a dead GPU never leaves a read waiting forever.
 */
export async function guardedRead<T>(read: Promise<T>, what = "webgpu"): Promise<T> {
  if (!state) return await read;
  assertGpuHealthy(what);
  let reject!: (e: Error) => void;
  const failed = new Promise<never>((_, r) => reject = r);
  waiting.add(reject);
  try {
    return await Promise.race([read, failed]);
  } catch (e) {
    throw await explainGpuError(e, what);
  } finally {
    waiting.delete(reject);
  }
}

/**
 * An error raised inside the runtime (an invalid buffer after the device was destroyed, a failed
 * mapping) is usually the first sign of a lost device: waits briefly for the loss to be reported
 * and returns a {@linkcode GpuDeviceError} saying so; other errors come back unchanged.
 */
export async function explainGpuError(e: unknown, what = "webgpu"): Promise<unknown> {
  if (e instanceof GpuDeviceError || !state) return e;
  const name = (e as { name?: string })?.name ?? "";
  const msg = e instanceof Error ? e.message : String(e);
  if (name !== "OperationError" && !/buffer|device|GPU/i.test(msg)) return e;
  const s = state;
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([s.lostPromise, new Promise((r) => timer = setTimeout(r, 250))]);
  clearTimeout(timer);
  if (s.lost !== null) return lostError(what, s.lost);
  if (s.failure !== null) return failureError(what, s.failure);
  return new GpuDeviceError(
    `${what}: reading a tensor from the GPU failed (${name || "error"}: ${msg.split("\n")[0]}); the device ` +
      `may be lost or out of memory: restart the process and resume from the last checkpoint, or use ready("wasm")`,
  );
}

/** The device seglab created for `webgpu` (null if none). */
export function gpuDeviceState(): GpuDeviceState | null {
  return state;
}

/** Requests a high-performance adapter and a device with its maximum limits, and watches it. */
export async function createGpuDevice(): Promise<GpuDeviceState> {
  const gpu = (globalThis as Any).navigator?.gpu;
  if (!gpu) throw new GpuDeviceError('webgpu: this runtime has no navigator.gpu; use ready("wasm")');
  ensureRuntimeDir();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (!adapter) {
    throw new GpuDeviceError(
      "webgpu: no WebGPU adapter (no GPU driver, or Vulkan's loader libvulkan1 / a Vulkan driver is missing); " +
        'install the GPU driver or use ready("wasm")',
    );
  }
  const requiredLimits: Record<string, number> = {};
  for (const k of LIMITS) {
    const v = adapter.limits?.[k];
    if (typeof v === "number") requiredLimits[k] = v;
  }
  const requiredFeatures = ["timestamp-query"].filter((f) => adapter.features?.has(f));
  const device = await adapter.requestDevice({ requiredLimits, requiredFeatures });
  const limits: Record<string, number> = {};
  for (const k of LIMITS) if (typeof device.limits?.[k] === "number") limits[k] = device.limits[k];
  const s: GpuDeviceState = {
    device,
    adapterInfo: infoOf(adapter),
    limits,
    lost: null,
    failure: null,
    lostPromise: Promise.resolve(""),
  };
  s.lostPromise = (device.lost as Promise<Any>).then((info) => {
    s.lost = `${info?.reason ?? "unknown"}${info?.message ? `: ${info.message}` : ""}`;
    for (const reject of waiting) reject(lostError("webgpu", s.lost));
    return s.lost;
  });
  device.addEventListener?.("uncapturederror", (ev: Any) => {
    const err = ev?.error;
    const kind = err?.constructor?.name ?? "GPUError";
    s.failure ??= `${kind}: ${String(err?.message ?? err).split("\n")[0]}`;
    for (const reject of waiting) reject(failureError("webgpu", s.failure));
  });
  state = s;
  return s;
}

/** The adapter's info as a plain object (GPUAdapterInfo's fields are getters, lost by a spread). */
function infoOf(adapter: Any): Record<string, unknown> {
  const info = adapter.info ?? {};
  const out: Record<string, unknown> = {};
  for (const k of ["vendor", "architecture", "device", "description", "isFallbackAdapter"]) {
    if (info[k] !== undefined) out[k] = info[k];
  }
  return out;
}

/** Throws a {@linkcode GpuDeviceError} when the device was lost or reported a failure. */
export function assertGpuHealthy(what = "webgpu"): void {
  if (!state) return;
  if (state.lost !== null) throw lostError(what, state.lost);
  if (state.failure !== null) throw failureError(what, state.failure);
}

function lostError(what: string, why: string): GpuDeviceError {
  return new GpuDeviceError(
    `${what}: the WebGPU device was lost (${why}); the GPU was reset, its driver crashed or the device was ` +
      `destroyed. Restart the process (or call ready("webgpu") again) and resume from the last checkpoint, ` +
      `or use ready("wasm")`,
  );
}

function failureError(what: string, why: string): GpuDeviceError {
  const oom = /OutOfMemory|out of memory/i.test(why);
  return new GpuDeviceError(
    `${what}: the WebGPU device reported ${oom ? "an out-of-memory error" : "an error"} (${why}); ` +
      (oom
        ? "lower batch_size or the crop size, or use a GPU with more memory"
        : 'the results of this step are not trustworthy; restart the process or use ready("wasm")'),
  );
}

/** Forgets the watched device (after switching away from webgpu, or in tests). */
export function clearGpuDeviceState(): void {
  state = null;
}
