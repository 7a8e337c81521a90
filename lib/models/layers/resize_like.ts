/**
 * `ResizeLike`: bilinear resize of its first input to the height and width of its second, as
 * PaddleSeg's `F.interpolate(x, shape(ref)[2:], mode="bilinear", align_corners)` does (with
 * `align_corners: false`, PyTorch's and Paddle's half-pixel centres). A no-op when the sizes
 * already match. Used for HRNet's fuse layers and for upsampling logits to the input size.
 * @module
 */
import { tf } from "../../core/tf.ts";

type Shape = (number | null)[];

/** Serialisable config of {@linkcode ResizeLike}. */
export interface ResizeLikeArgs {
  alignCorners?: boolean;
  name?: string;
}

/** Bilinear resize of `inputs[0]` (NHWC) to the spatial size of `inputs[1]`. */
export class ResizeLike extends tf.layers.Layer {
  static className = "SeglabResizeLike";
  readonly alignCorners: boolean;

  constructor(args: ResizeLikeArgs = {}) {
    super(args);
    this.alignCorners = args.alignCorners ?? false;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [x, ref] = inputShape as Shape[];
    return [x[0], ref[1], ref[2], x[3]];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [x, ref] = inputs as tf.Tensor[];
    const h = ref.shape[1]!, w = ref.shape[2]!;
    if (x.shape[1] === h && x.shape[2] === w) return x.clone();
    return tf.image.resizeBilinear(x as tf.Tensor4D, [h, w], this.alignCorners, !this.alignCorners);
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), alignCorners: this.alignCorners };
  }
}
tf.serialization.registerClass(ResizeLike);
