/**
 * The moving mean and variance update of a batch-normalisation layer in one kernel on `wasm` and
 * `cpu`: `stat′ = stat − (stat − batch)·(1 − momentum)` for both statistics, float32 per operation
 * as tfjs-layers' three ops per statistic round (six ops and two scalars per layer, ~50 µs each on
 * `wasm` in a U-Net step for a few dozen numbers; 108 of a step's 726 kernel calls).
 *
 * @example
 * ```ts
 * const [mean, variance] = movingAverages(movingMean, movingVariance, batchMean, batchVariance, 0.99);
 * ```
 * @module
 */
import { tf } from "../../core/tf.ts";
import { access, type AnyBackend } from "./tensor_arrays.ts";
import { FUSED_BACKENDS, hasFused } from "./fused_kernels.ts";

/** Kernel name (custom). */
export const MOVING_AVERAGES = "SeglabMovingAverages";

/** `[mean′, variance′]`: the moving statistics moved towards the batch's by `1 − momentum`. */
export function movingAverages(
  mean: tf.Tensor,
  variance: tf.Tensor,
  batchMean: tf.Tensor,
  batchVariance: tf.Tensor,
  momentum: number,
): [tf.Tensor, tf.Tensor] {
  if (
    hasFused(MOVING_AVERAGES) &&
    [mean, variance, batchMean, batchVariance].every((t) => t.dtype === "float32")
  ) {
    return tf.engine().runKernel(MOVING_AVERAGES, { mean, variance, batchMean, batchVariance }, {
      momentum,
    }) as unknown as [tf.Tensor, tf.Tensor];
  }
  const update = (stat: tf.Tensor, value: tf.Tensor) =>
    tf.sub(stat, tf.mul(tf.sub(stat, value), 1 - momentum));
  return tf.tidy(() => [update(mean, batchMean), update(variance, batchVariance)]);
}

/** `stat − (stat − value)·s`, each operation rounded to float32. */
function move(stat: Float32Array, value: Float32Array, s: number, out: Float32Array): void {
  const f = Math.fround;
  for (let i = 0; i < stat.length; i++) out[i] = f(stat[i] - f(f(stat[i] - value[i]) * s));
}

/** Registers the kernel for `wasm` and `cpu` (idempotent). */
export function registerMovingAverages(): void {
  for (const backendName of FUSED_BACKENDS) {
    if (tf.getKernel(MOVING_AVERAGES, backendName)) continue;
    tf.registerKernel({
      kernelName: MOVING_AVERAGES,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const io = access(backendName, backend as AnyBackend);
        const { mean, variance, batchMean, batchVariance } = inputs as Record<string, tf.TensorInfo>;
        const s = Math.fround(1 - (attrs!.momentum as number));
        return io.outputs([mean.shape, variance.shape], ([m, v]) => {
          move(io.read(mean), io.read(batchMean), s, m);
          move(io.read(variance), io.read(batchVariance), s, v);
        });
      },
    });
  }
}
