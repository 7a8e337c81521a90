/**
 * Routes `tf.fused.conv2d` / `tf.fused.depthwiseConv2d` calls made while a gradient is recorded.
 *
 * `tf.layers.conv2d` calls `tf.fused.conv2d`, whose gradient is closed inside tfjs-core: it
 * refuses dilation rates > 1, and it computes the input gradient eagerly even where nothing
 * needs it (the first layer: the image). While a gradient is being recorded, seglab sends
 * dilated calls, and calls without bias or activation (conv → batch norm blocks), to the unfused
 * ops (conv2d [+ bias + activation]), whose gradients ({@link ./conv2d_grad.ts}) handle dilations
 * and are computed only when needed. Everything else goes to TensorFlow.js's own function.
 * `tf.fused` is a plain object in tfjs-core 4.22, so this is an assignment of two of its
 * properties, made once.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { dilationPair } from "./dilate_filter.ts";

const PATCHED = Symbol.for("seglab.fusedConvRouting");

type FusedArgs = {
  x: tf.Tensor;
  filter: tf.Tensor;
  strides: number | [number, number];
  pad: "valid" | "same" | number;
  dataFormat?: "NHWC" | "NCHW";
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
  bias?: tf.Tensor;
  activation?: string;
  preluActivationWeights?: tf.Tensor;
  leakyreluAlpha?: number;
};

function activate(y: tf.Tensor, a: FusedArgs): tf.Tensor {
  switch (a.activation ?? "linear") {
    case "linear":
      return y;
    case "relu":
      return tf.relu(y);
    case "relu6":
      return tf.relu6(y);
    case "elu":
      return tf.elu(y);
    case "sigmoid":
      return tf.sigmoid(y);
    case "prelu":
      return tf.prelu(y, a.preluActivationWeights!);
    case "leakyrelu":
      return tf.leakyRelu(y, a.leakyreluAlpha);
    default:
      throw new Error(`seglab: unknown fused activation "${a.activation}"`);
  }
}

function recording(): boolean {
  return ((tf.engine() as unknown as { state: { gradientDepth: number } }).state.gradientDepth ?? 0) > 0;
}

/** Installs the routing once; returns whether `tf.fused` could be patched. */
export function patchFusedConvRouting(): boolean {
  const fused = tf.fused as unknown as Record<string | symbol, unknown>;
  if (fused[PATCHED]) return true;
  const conv = fused.conv2d as (a: FusedArgs) => tf.Tensor;
  const dw = fused.depthwiseConv2d as (a: FusedArgs) => tf.Tensor;
  try {
    fused.conv2d = (a: FusedArgs) => {
      const [dh, dwid] = dilationPair(a.dilations as number | number[]);
      const plain = a.bias == null && (a.activation ?? "linear") === "linear";
      if (((dh === 1 && dwid === 1) && !plain) || !recording()) return conv(a);
      return tf.tidy(() => {
        let y: tf.Tensor = tf.conv2d(
          a.x as tf.Tensor4D,
          a.filter as tf.Tensor4D,
          a.strides,
          a.pad,
          a.dataFormat ?? "NHWC",
          a.dilations,
          a.dimRoundingMode,
        );
        if (a.bias) y = tf.add(y, a.bias);
        return activate(y, a);
      });
    };
    fused.depthwiseConv2d = (a: FusedArgs) => {
      const [dh, dwid] = dilationPair(a.dilations as number | number[]);
      if ((dh === 1 && dwid === 1) || !recording()) return dw(a);
      return tf.tidy(() => {
        let y: tf.Tensor = tf.depthwiseConv2d(
          a.x as tf.Tensor4D,
          a.filter as tf.Tensor4D,
          a.strides,
          a.pad,
          a.dataFormat ?? "NHWC",
          a.dilations,
          a.dimRoundingMode,
        );
        if (a.bias) y = tf.add(y, a.bias);
        return activate(y, a);
      });
    };
    fused[PATCHED] = true;
    return true;
  } catch {
    return false; // a frozen namespace (another tfjs build): dilated fused convs then cannot train
  }
}
