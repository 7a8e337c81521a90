/**
 * seglab's wasm `DepthwiseConv2dNativeBackpropFilter` (missing in the shipped backend) against
 * the cpu backend over strides, padding, multipliers, dilations and odd sizes (the SIMD path and
 * the JavaScript one); separable convolution; finite differences.
 */
import { ready, tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";
import {
  checkDepthwiseFiniteDifferences,
  DEPTHWISE_CASES,
  depthwiseLabel,
  depthwiseProblem,
} from "./_depthwise_cases.ts";

for (const c of DEPTHWISE_CASES) {
  Deno.test(`depthwiseConv2d weight gradient on wasm matches cpu: ${depthwiseLabel(c)}`, async () => {
    await assertWasmMatchesCpu(
      depthwiseLabel(c),
      () => {
        const { x, w, loss } = depthwiseProblem(c);
        return [tf.grad((b: tf.Tensor) => loss(x, b))(w)];
      },
      2e-5,
      2e-5,
    );
  });
}

Deno.test("separableConv2d gradients (depthwise and pointwise) on wasm match cpu", async () => {
  await assertWasmMatchesCpu(
    "separable",
    () => {
      const x = randTensor<tf.Rank.R4>([2, 9, 10, 4], 51);
      const dw = randTensor<tf.Rank.R4>([3, 3, 4, 1], 52);
      const pw = randTensor<tf.Rank.R4>([1, 1, 4, 5], 53);
      const dw2 = randTensor<tf.Rank.R4>([3, 3, 4, 2], 55);
      const pw2 = randTensor<tf.Rank.R4>([1, 1, 8, 5], 56);
      const r = randTensor([2, 5, 5, 5], 54);
      const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(
          tf.mul(tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, 2, "same"), r),
        );
      return [...tf.grads(f)([x, dw, pw]), ...tf.grads(f)([x, dw2, pw2])];
    },
    5e-5,
    2e-5,
  );
});

Deno.test("depthwiseConv2d weight gradient on wasm agrees with finite differences", async () => {
  await ready("wasm", { quiet: true });
  checkDepthwiseFiniteDifferences(DEPTHWISE_CASES[1], "w");
  checkDepthwiseFiniteDifferences(DEPTHWISE_CASES[7], "w");
});
