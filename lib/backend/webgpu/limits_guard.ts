/**
 * A tensor larger than what the device can bind fails with an error naming the op, the tensor's
 * shape and size, and the limit — checked before tfjs-backend-webgpu creates the buffer or the
 * bind group, where wgpu would otherwise raise a validation error away from the cause.
 * @module
 */

/** A tensor over one of the device's buffer limits. */
export class GpuLimitError extends Error {
  override name = "GpuLimitError";
}

interface TensorInfoLike {
  shape: number[];
  dtype: string;
}

function bytesOf(t: TensorInfoLike): number {
  const n = t.shape.reduce((a, b) => a * b, 1);
  return n * (t.dtype === "complex64" ? 8 : 4);
}

function mib(b: number): string {
  return `${(b / 2 ** 20).toFixed(1)} MiB`;
}

/** The op's name as the program's class says it (`Conv2DMMProgram` → `Conv2DMM`). */
function opName(program: { constructor?: { name?: string }; shaderKey?: string }): string {
  const n = program.constructor?.name ?? "";
  return n && n !== "Object"
    ? n.replace(/Program$/, "")
    : String(program.shaderKey ?? "a webgpu op").split("_")[0];
}

/** Throws a {@linkcode GpuLimitError} when `t` is over `limit` bytes. */
export function checkTensorBytes(
  op: string,
  role: string,
  t: TensorInfoLike,
  limitName: string,
  limit: number,
): void {
  const b = bytesOf(t);
  if (b > limit) {
    throw new GpuLimitError(
      `webgpu: ${op} needs its ${role}, a ${t.dtype} tensor [${t.shape.join(",")}] of ${mib(b)} ` +
        `(${b} bytes), over this device's ${limitName} of ${mib(limit)} (${limit} bytes); lower the batch ` +
        `size or the crop size, or use a GPU with larger limits, or ready("wasm")`,
    );
  }
}

const PATCHED = Symbol.for("seglab.limitsGuard");

type Run = (
  program: object,
  inputs: TensorInfoLike[],
  dtype: string,
  u?: unknown,
  out?: TensorInfoLike,
) => unknown;

/** Wraps the backend's `runWebGPUProgram` with the check, against `limits` (the device's). */
export function installLimitsGuard(
  backendProto: { runWebGPUProgram: Run },
  limitsOf: (backend: unknown) => Record<string, number>,
): void {
  const bp = backendProto as { runWebGPUProgram: Run; [PATCHED]?: boolean };
  if (bp[PATCHED]) return;
  bp[PATCHED] = true;
  const run = bp.runWebGPUProgram;
  bp.runWebGPUProgram = function (this: unknown, program, inputs, dtype, uniforms, out) {
    const limits = limitsOf(this);
    const binding = Math.min(
      limits.maxStorageBufferBindingSize ?? Infinity,
      limits.maxBufferSize ?? Infinity,
    );
    const limitName = (limits.maxStorageBufferBindingSize ?? Infinity) <= (limits.maxBufferSize ?? Infinity)
      ? "maxStorageBufferBindingSize"
      : "maxBufferSize";
    if (Number.isFinite(binding)) {
      const op = opName(program as { constructor?: { name?: string } });
      const output = out ?? { shape: (program as { outputShape: number[] }).outputShape, dtype };
      checkTensorBytes(op, "output", output, limitName, binding);
      inputs.forEach((t, i) => checkTensorBytes(op, `input ${i}`, t, limitName, binding));
    }
    return run.call(this, program, inputs, dtype, uniforms, out);
  };
}
