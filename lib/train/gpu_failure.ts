/**
 * A GPU failure during training — device lost, out of memory, a tensor over a device limit —
 * rethrown with where the run can resume from: the last checkpoint, which is kept.
 * @module
 */
import { tf } from "../core/tf.ts";
import { explainGpuError, GpuDeviceError } from "../backend/webgpu/gpu_device.ts";
import { GpuLimitError } from "../backend/webgpu/limits_guard.ts";

/** `e` with the last checkpoint named, when it is a GPU failure; otherwise `e` unchanged. */
export async function explainGpuFailure(e: unknown, lastCheckpoint: string | null): Promise<unknown> {
  if (tf.getBackend() === "webgpu") e = await explainGpuError(e);
  if (!(e instanceof GpuDeviceError || e instanceof GpuLimitError)) return e;
  const where = lastCheckpoint
    ? ` The last checkpoint, ${lastCheckpoint}, is kept: resume with train({ resume: "${lastCheckpoint}" }).`
    : " No checkpoint had been written yet.";
  const out = new (e.constructor as new (m: string) => Error)(`${e.message}.${where}`);
  out.stack = `${out.name}: ${out.message}\n${e.stack?.split("\n").slice(1).join("\n") ?? ""}`;
  return out;
}
