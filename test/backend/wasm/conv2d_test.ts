/**
 * seglab's wasm `Conv2D` (SIMD direct convolution, XNNPACK where it does not apply) against the
 * cpu backend over strides, padding modes, dilations, odd sizes, channel counts on both sides of
 * its thresholds, and as part of a fused convolution's gradient.
 */
import { tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";
import type { ConvCase } from "./_conv_cases.ts";
import { convLabel } from "./_conv_cases.ts";

const CASES: ConvCase[] = [
  { x: [3, 9, 11, 8], k: 3, co: 8, s: 1, pad: "same" },
  { x: [2, 9, 11, 12], k: 3, co: 12, s: 2, pad: "same" },
  { x: [2, 10, 7, 9], k: 3, co: 4, s: 2, pad: "valid" },
  { x: [1, 7, 13, 8], k: 5, co: 16, s: 3, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [2, 9, 9, 16], k: 3, co: 20, s: 1, pad: "same", d: 2 },
  { x: [2, 13, 11, 20], k: 4, co: 8, s: 2, pad: "same" },
  { x: [1, 3, 3, 8], k: 5, co: 4, s: 1, pad: "same" },
  // XNNPACK: 1×1, few input channels, output channels not a multiple of 4
  { x: [2, 8, 9, 16], k: 1, co: 8, s: 1, pad: "valid" },
  { x: [2, 9, 11, 3], k: 3, co: 8, s: 1, pad: "same" },
  { x: [2, 9, 11, 8], k: 3, co: 5, s: 1, pad: "same" },
];

for (const c of CASES) {
  Deno.test(`conv2d forward on wasm matches cpu: ${convLabel(c)}`, async () => {
    await assertWasmMatchesCpu(
      convLabel(c),
      () => {
        const x = randTensor<tf.Rank.R4>(c.x, 51);
        const w = randTensor<tf.Rank.R4>([c.k, c.k, c.x[3], c.co], 52);
        return [tf.conv2d(x, w, c.s, c.pad, "NHWC", c.d ?? 1)];
      },
      1e-4,
      2e-5,
    );
  });
}

Deno.test("a conv-BN-ReLU stack's forward and gradients on wasm match cpu", async () => {
  await assertWasmMatchesCpu(
    "stack",
    () => {
      const x = randTensor<tf.Rank.R4>([2, 12, 10, 8], 61);
      const w1 = randTensor<tf.Rank.R4>([3, 3, 8, 16], 62), w2 = randTensor<tf.Rank.R4>([3, 3, 16, 8], 63);
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(
          tf.square(
            tf.conv2d(
              tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, "same")),
              c as tf.Tensor4D,
              2,
              "same",
            ),
          ),
        );
      return [f(x, w1, w2), ...tf.grads(f)([x, w1, w2])];
    },
    1e-3,
    1e-4,
  );
});
