/**
 * `BatchNorm`: batch normalisation over N, H, W (NHWC), optionally followed by ReLU — Paddle's
 * `BatchNorm2D` (momentum 0.9, epsilon 1e-5; moving statistics updated in training as
 * `m·moving + (1 − m)·batch`).
 *
 * On `wasm` and `cpu`, training runs through the backend's fused batch-norm kernels (one pass
 * each way; SIMD on wasm) and ReLU. Elsewhere the normalisation and the activation are one
 * differentiable op with a closed-form gradient (`tf.customGrad`): its intermediates (centred input, squares, the pre-activation) are
 * freed as soon as it has run, and the backward pass recomputes what it needs from the saved
 * input and the per-channel mean and inverse deviation. tf.layers' BatchNormalization + ReLU
 * hold about seven full-size tensors per layer at the forward pass's peak and keep three for
 * the backward pass; this holds two and keeps one.
 *
 * Gradient (per channel, M = N·H·W, x̂ = (x − μ)·σ⁻¹, dz = dy ⊙ [y > 0] with ReLU):
 * `dβ = Σ dz`, `dγ = Σ dz·x̂`, `dx = γσ⁻¹/M · (M·dz − Σ dz − x̂ · Σ dz·x̂)`.
 * Weights are named `gamma`, `beta`, `moving_mean`, `moving_variance`, as in tf.layers.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { batchNormTraining } from "../../backend/fused/batch_norm_training.ts";
import { BN_TRAIN, hasFused } from "../../backend/fused/fused_kernels.ts";

type Shape = (number | null)[];

/** Serialisable config of {@linkcode BatchNorm}. */
export interface BatchNormArgs {
  name?: string;
  momentum?: number;
  epsilon?: number;
  /** Apply ReLU after normalising. */
  relu?: boolean;
  /**
   * Train through the backend's fused batch-norm kernel (`wasm`, `cpu`) — the default where it
   * exists — or through the closed-form `tf.customGrad` (`false`; used on other backends).
   */
  fused?: boolean;
}

const AXES = [0, 1, 2];

/** Batch normalisation (and ReLU) with a memory-lean gradient. */
export class BatchNorm extends tf.layers.Layer {
  static className = "SeglabBatchNorm";
  readonly momentum: number;
  readonly epsilon: number;
  readonly relu: boolean;
  readonly fused?: boolean;
  gamma?: tf.LayerVariable;
  beta?: tf.LayerVariable;
  movingMean?: tf.LayerVariable;
  movingVariance?: tf.LayerVariable;

  constructor(args: BatchNormArgs = {}) {
    super({ name: args.name });
    this.momentum = args.momentum ?? 0.9;
    this.epsilon = args.epsilon ?? 1e-5;
    this.relu = args.relu ?? false;
    this.fused = args.fused;
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = s[s.length - 1];
    if (c === null) throw new Error(`${this.name}: the channel dimension must be known`);
    this.gamma = this.addWeight("gamma", [c], "float32", tf.initializers.ones());
    this.beta = this.addWeight("beta", [c], "float32", tf.initializers.zeros());
    this.movingMean = this.addWeight(
      "moving_mean",
      [c],
      "float32",
      tf.initializers.zeros(),
      undefined,
      false,
    );
    this.movingVariance = this.addWeight(
      "moving_variance",
      [c],
      "float32",
      tf.initializers.ones(),
      undefined,
      false,
    );
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const gamma = this.gamma!.read(), beta = this.beta!.read();
    if (!kwargs.training) {
      return tf.tidy(() => {
        const scale = tf.mul(gamma, tf.rsqrt(tf.add(this.movingVariance!.read(), this.epsilon)));
        const shift = tf.sub(beta, tf.mul(this.movingMean!.read(), scale));
        const z = tf.add(tf.mul(x, scale), shift);
        return this.relu ? tf.relu(z) : z;
      });
    }
    const fused = this.fused ?? hasFused(BN_TRAIN);
    return fused && hasFused(BN_TRAIN) ? this.#trainFused(x, gamma, beta) : this.#train(x, gamma, beta);
  }

  /**
   * Training on `wasm` and `cpu`: the backend's fused batch-norm kernel (one pass forward, one
   * backward, SIMD on wasm) and ReLU, whose gradient keeps its output — the tensor the next
   * convolution saves anyway — so this holds no more than the closed-form path below.
   */
  #trainFused(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
    const m = this.momentum;
    const [z, mean, variance] = batchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, this.epsilon);
    tf.tidy(() => {
      this.movingMean!.write(tf.add(tf.mul(this.movingMean!.read(), m), tf.mul(mean, 1 - m)));
      this.movingVariance!.write(tf.add(tf.mul(this.movingVariance!.read(), m), tf.mul(variance, 1 - m)));
    });
    if (!this.relu) return z;
    const y = tf.relu(z);
    z.dispose();
    return y;
  }

  #train(x: tf.Tensor4D, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
    const eps = this.epsilon, relu = this.relu, m = this.momentum;
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [xi, g, b] = args as tf.Tensor[];
      const save = args[3] as tf.GradSaveFunc;
      const mean = tf.mean(xi, AXES);
      const variance = tf.mean(tf.squaredDifference(xi, mean), AXES);
      const inv = tf.rsqrt(tf.add(variance, eps));
      const scale = tf.mul(g, inv);
      const z = tf.add(tf.mul(xi, scale), tf.sub(b, tf.mul(mean, scale)));
      const y = relu ? tf.relu(z) : z;
      // Moving statistics (no gradient), as tf.layers and Paddle do in training.
      this.movingMean!.write(tf.add(tf.mul(this.movingMean!.read(), m), tf.mul(mean, 1 - m)));
      this.movingVariance!.write(tf.add(tf.mul(this.movingVariance!.read(), m), tf.mul(variance, 1 - m)));
      // The forward pass's intermediates are freed when it ends (TensorFlow.js keeps only what is
      // saved): the input and the per-channel statistics suffice, the rest is recomputed.
      save([xi, mean, inv]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [xs, mu, iv] = saved;
          return tf.tidy(() => {
            const count = xs.size / xs.shape[xs.rank - 1]!;
            const xHat = tf.mul(tf.sub(xs, mu), iv);
            const dz = relu ? tf.mul(dy, tf.step(tf.add(tf.mul(xHat, g), b))) : dy;
            const sumDz = tf.sum(dz, AXES);
            const sumDzXh = tf.sum(tf.mul(dz, xHat), AXES);
            const dx = tf.mul(
              tf.sub(tf.sub(tf.mul(dz, count), sumDz), tf.mul(xHat, sumDzXh)),
              tf.div(tf.mul(g, iv), count),
            );
            return [dx, sumDzXh, sumDz];
          });
        },
      };
    });
    return op(x, gamma, beta) as tf.Tensor;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), momentum: this.momentum, epsilon: this.epsilon, relu: this.relu };
  }
}
tf.serialization.registerClass(BatchNorm);
