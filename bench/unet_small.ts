/**
 * The reference small U-Net of the training benchmarks (the same network as
 * `bench/train_step_torch.py`): 4 encoder levels of 16-32-64-64 channels and a 64-channel middle,
 * two conv3×3 (no bias) → batch norm → ReLU per level, 2×2 max-pool down, bilinear ×2 up-sampling
 * with concatenated skips, a 1×1 head. Forward convolutions: 5.02 GFLOP for batch 4 at 128×128.
 */
import { tf } from "../lib/mod.ts";

/** Encoder (and mirrored decoder) channels. */
export const LEVELS = [16, 32, 64, 64];
/** Channels of the middle block. */
export const MIDDLE = 64;

function block(x: tf.SymbolicTensor, filters: number, name: string): tf.SymbolicTensor {
  for (let i = 1; i <= 2; i++) {
    x = tf.layers.conv2d({
      filters,
      kernelSize: 3,
      padding: "same",
      useBias: false,
      name: `${name}_conv${i}`,
    })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.batchNormalization({ name: `${name}_bn${i}` }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ name: `${name}_relu${i}` }).apply(x) as tf.SymbolicTensor;
  }
  return x;
}

/** Builds the U-Net for `size`×`size`×3 inputs and `classes` output logits. */
export function buildUNet(size = 128, classes = 8): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3], name: "image" });
  const skips: tf.SymbolicTensor[] = [];
  let x = input;
  LEVELS.forEach((c, i) => {
    x = block(x, c, `enc${i + 1}`);
    skips.push(x);
    x = tf.layers.maxPooling2d({ poolSize: 2, name: `pool${i + 1}` }).apply(x) as tf.SymbolicTensor;
  });
  x = block(x, MIDDLE, "middle");
  for (let i = LEVELS.length - 1; i >= 0; i--) {
    x = tf.layers.upSampling2d({ size: [2, 2], interpolation: "bilinear", name: `up${i + 1}` }).apply(
      x,
    ) as tf.SymbolicTensor;
    x = tf.layers.concatenate({ name: `cat${i + 1}` }).apply([x, skips[i]]) as tf.SymbolicTensor;
    x = block(x, LEVELS[i], `dec${i + 1}`);
  }
  const logits = tf.layers.conv2d({ filters: classes, kernelSize: 1, name: "head" }).apply(
    x,
  ) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: logits, name: "unet_small" });
}

/** Forward-pass FLOPs of the convolutions (2 per multiply-add) for a batch. */
export function forwardFlops(size = 128, batch = 4, classes = 8): number {
  let flops = 0, h = size, cin = 3;
  const conv = (hw: number, ci: number, co: number, k = 3) => 2 * batch * hw * hw * k * k * ci * co;
  for (const c of LEVELS) {
    flops += conv(h, cin, c) + conv(h, c, c);
    cin = c;
    h /= 2;
  }
  flops += conv(h, cin, MIDDLE) + conv(h, MIDDLE, MIDDLE);
  cin = MIDDLE;
  for (let i = LEVELS.length - 1; i >= 0; i--) {
    h *= 2;
    flops += conv(h, cin + LEVELS[i], LEVELS[i]) + conv(h, LEVELS[i], LEVELS[i]);
    cin = LEVELS[i];
  }
  return flops + conv(h, cin, classes, 1);
}
