/**
 * Makes `tf.layers.batchNormalization` use seglab's fused training kernel.
 *
 * In training, the layer computes `tf.moments` then `tf.batchNorm`, whose gradients add ~15
 * full-size ops per layer; on `wasm` those were a third of a U-Net step beside the convolutions.
 * seglab replaces the layer's `call` (on its prototype, once) with one that, in training and with
 * channels last, normalises with {@link ./batch_norm_training.ts} and updates the moving mean
 * and variance exactly as tfjs-layers 4.22 does (one kernel for both: `moving_averages.ts`); every
 * other case runs the original `call`.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { batchNormTraining } from "./batch_norm_training.ts";
import { BN_TRAIN, hasFused } from "./fused_kernels.ts";
import { movingAverages } from "./moving_averages.ts";

const PATCHED = Symbol.for("seglab.layersBatchNorm");

interface BNLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  gamma: { read(): tf.Tensor } | null;
  beta: { read(): tf.Tensor } | null;
  movingMean: { read(): tf.Tensor; write(v: tf.Tensor): void };
  movingVariance: { read(): tf.Tensor; write(v: tf.Tensor): void };
}
type Call = (this: BNLayer, inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor;

/** Installs the fused training path into tf.layers' BatchNormalization; returns whether it could. */
export function patchLayersBatchNorm(): boolean {
  // The class from tfjs's serialization registry (creating a layer would use up an auto-name).
  const entry = tf.serialization.SerializationMap.getMap().classNameMap["BatchNormalization"];
  if (!entry) return false;
  const proto = (entry[0] as unknown as { prototype: { call: Call; [PATCHED]?: boolean } }).prototype;
  if (proto[PATCHED]) return true;
  const original = proto.call;
  proto.call = function (this: BNLayer, inputs, kwargs) {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    const training = kwargs?.training === true;
    const rank = input?.rank ?? 0;
    const lastAxis = this.axis === -1 || this.axis === rank - 1;
    if (
      !training || !lastAxis || rank < 2 || !this.gamma || !this.beta || input.dtype !== "float32" ||
      !hasFused(BN_TRAIN)
    ) {
      return original.call(this, inputs, kwargs);
    }
    return tf.tidy(() => {
      const [y, mean, variance] = batchNormTraining(
        input,
        this.gamma!.read() as tf.Tensor1D,
        this.beta!.read() as tf.Tensor1D,
        this.epsilon,
      );
      const [m, v] = movingAverages(
        this.movingMean.read(),
        this.movingVariance.read(),
        mean,
        variance,
        this.momentum,
      );
      this.movingMean.write(m);
      this.movingVariance.write(v);
      return y;
    });
  };
  proto[PATCHED] = true;
  return true;
}
