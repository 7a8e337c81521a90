/**
 * `SpatialDropout`: Paddle's `Dropout2D` in NHWC — whole channels of an image are zeroed with
 * probability `rate` in training and the rest scaled by `1 / (1 − rate)`; identity in
 * evaluation. Its masks come from the forward seed the trainer sets per iteration
 * ({@linkcode withForwardSeed}), so interrupted and resumed runs draw the same masks.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { mixSeed } from "../seed.ts";
import { nextForwardSeed } from "./random_context.ts";

type Shape = (number | null)[];

/** Channel-wise dropout for NHWC feature maps. */
export class SpatialDropout extends tf.layers.Layer {
  static className = "SeglabSpatialDropout";
  readonly rate: number;

  constructor(args: { rate: number; name?: string }) {
    super(args);
    if (!(args.rate >= 0 && args.rate < 1)) {
      throw new Error(`SpatialDropout: rate must be in [0, 1), got ${args.rate}`);
    }
    this.rate = args.rate;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!kwargs.training || this.rate === 0) return x.clone();
    return tf.tidy(() => {
      const s = nextForwardSeed();
      const seed = s ? mixSeed(s.seed, s.index) : undefined;
      const [n, , , c] = x.shape as number[];
      const keep = tf.step(tf.sub(tf.randomUniform([n, 1, 1, c], 0, 1, "float32", seed), this.rate));
      return tf.mul(x, tf.mul(keep, 1 / (1 - this.rate)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate };
  }
}
tf.serialization.registerClass(SpatialDropout);
