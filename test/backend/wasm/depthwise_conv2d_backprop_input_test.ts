/**
 * seglab's wasm `DepthwiseConv2dNativeBackpropInput` (missing in the shipped backend) against the
 * cpu backend over strides, padding, multipliers, dilations and odd sizes; finite differences.
 */
import { ready, tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu } from "../_compare.ts";
import {
  checkDepthwiseFiniteDifferences,
  DEPTHWISE_CASES,
  depthwiseLabel,
  depthwiseProblem,
} from "./_depthwise_cases.ts";

for (const c of DEPTHWISE_CASES) {
  Deno.test(`depthwiseConv2d input gradient on wasm matches cpu: ${depthwiseLabel(c)}`, async () => {
    await assertWasmMatchesCpu(
      depthwiseLabel(c),
      () => {
        const { x, w, f, loss } = depthwiseProblem(c);
        return [f(x, w), tf.grad((a: tf.Tensor) => loss(a, w))(x)];
      },
      2e-5,
      2e-5,
    );
  });
}

Deno.test("depthwiseConv2d input gradient on wasm agrees with finite differences", async () => {
  await ready("wasm", { quiet: true });
  checkDepthwiseFiniteDifferences(DEPTHWISE_CASES[1], "x");
  checkDepthwiseFiniteDifferences(DEPTHWISE_CASES[5], "x");
});
