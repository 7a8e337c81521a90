/**
 * `Conv2D`: a 2-D convolution ('same' padding, NHWC) with an optional bias, computed with
 * `tf.conv2d` + `tf.add`. tf.layers' own Conv2D goes through TensorFlow.js's fused convolution,
 * whose gradient keeps a copy of the input *and* of the output of every convolution; the plain
 * op keeps only what the filter gradient needs (the input), which matters for HRNet's memory.
 * Weights are named `kernel` and `bias`, as in tf.layers.
 * @module
 */
import { tf } from "../../core/tf.ts";

type Shape = (number | null)[];

/** Serialisable config of {@linkcode Conv2D}. */
export interface Conv2DArgs {
  name?: string;
  filters: number;
  kernelSize: number;
  strides?: number;
  useBias?: boolean;
  /** Standard deviation of the Normal(0, std) initialiser of the kernel. */
  std: number;
  /** Seed of the initialiser. */
  seed: number;
}

/** Convolution with 'same' padding. */
export class Conv2D extends tf.layers.Layer {
  static className = "SeglabConv2D";
  readonly args: Required<Omit<Conv2DArgs, "name">>;
  kernel?: tf.LayerVariable;
  bias?: tf.LayerVariable;

  constructor(args: Conv2DArgs) {
    super({ name: args.name });
    this.args = {
      filters: args.filters,
      kernelSize: args.kernelSize,
      strides: args.strides ?? 1,
      useBias: args.useBias ?? true,
      std: args.std,
      seed: args.seed,
    };
  }

  override build(inputShape: Shape | Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inCh = s[s.length - 1] as number;
    const { kernelSize: k, filters, std, seed } = this.args;
    this.kernel = this.addWeight(
      "kernel",
      [k, k, inCh, filters],
      "float32",
      tf.initializers.randomNormal({ mean: 0, stddev: std, seed }),
    );
    if (this.args.useBias) this.bias = this.addWeight("bias", [filters], "float32", tf.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const st = this.args.strides;
    const out = (d: number | null) => (d === null ? null : Math.ceil(d / st));
    return [s[0], out(s[1]), out(s[2]), this.args.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const y = tf.conv2d(x, this.kernel!.read() as tf.Tensor4D, this.args.strides, "same");
      return this.bias ? tf.add(y, this.bias.read()) : y;
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), ...this.args };
  }
}
tf.serialization.registerClass(Conv2D);
