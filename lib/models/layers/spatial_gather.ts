/**
 * `SpatialGather`: OCRNet's object-region representations. Each of the K soft object regions
 * (the auxiliary logits) is turned into a distribution over the H·W positions (softmax over
 * space), and the pixel features are averaged under it: `regions · pixelsᵀ`.
 * Inputs: pixels `[N,H,W,C]`, regions `[N,H,W,K]`; output `[N,K,1,C]` (one "pixel" per region,
 * so the following 1×1 ConvBNReLU layers apply to it as in PaddleSeg).
 * @module
 */
import { tf } from "../../core/tf.ts";

type Shape = (number | null)[];

/** Soft object-region pooling of pixel features. */
export class SpatialGather extends tf.layers.Layer {
  static className = "SeglabSpatialGather";

  constructor(args: { name?: string } = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [pixels, regions] = inputShape as Shape[];
    return [pixels[0], regions[3], 1, pixels[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [pixels, regions] = inputs as tf.Tensor[];
      const [n, h, w, c] = pixels.shape as number[];
      const k = regions.shape[3]!;
      const p = tf.reshape(pixels, [n, h * w, c]);
      // [N, HW, K] → [N, K, HW], softmax over the positions.
      const r = tf.softmax(tf.transpose(tf.reshape(regions, [n, h * w, k]), [0, 2, 1]), -1);
      return tf.reshape(tf.matMul(r, p), [n, k, 1, c]);
    });
  }
}
tf.serialization.registerClass(SpatialGather);
