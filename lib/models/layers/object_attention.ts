/**
 * `ObjectAttention`: the attention core of OCRNet's ObjectAttentionBlock. Each pixel's query
 * attends over the K object regions' keys (`softmax(q·kᵀ / √key_channels)` over K) and takes
 * the weighted sum of their values. The 1×1 ConvBNReLU projections around it (f_pixel,
 * f_object, f_down, f_up) are ordinary layers.
 * Inputs: query `[N,H,W,Ck]`, key `[N,K,1,Ck]`, value `[N,K,1,Ck]`; output `[N,H,W,Ck]`.
 * @module
 */
import { tf } from "../../core/tf.ts";

type Shape = (number | null)[];

/** Scaled dot-product attention of pixels over object regions. */
export class ObjectAttention extends tf.layers.Layer {
  static className = "SeglabObjectAttention";

  constructor(args: { name?: string } = {}) {
    super(args);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [q, , v] = inputShape as Shape[];
    return [q[0], q[1], q[2], v[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const [query, key, value] = inputs as tf.Tensor[];
      const [n, h, w, ck] = query.shape as number[];
      const k = key.shape[1]!;
      const q = tf.reshape(query, [n, h * w, ck]);
      const kk = tf.reshape(key, [n, k, ck]);
      const v = tf.reshape(value, [n, k, value.shape[3]!]);
      const sim = tf.softmax(tf.mul(tf.matMul(q, kk, false, true), 1 / Math.sqrt(ck)), -1);
      return tf.reshape(tf.matMul(sim, v), [n, h, w, value.shape[3]!]);
    });
  }
}
tf.serialization.registerClass(ObjectAttention);
