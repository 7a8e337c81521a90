/**
 * seglab's wasm `Conv2DBackpropFilter` (missing in the shipped backend) against the cpu
 * backend's kernel over strides, padding modes, dilations, kernel and odd input sizes; NCHW;
 * finite differences.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";
import { checkFiniteDifferences, CONV_CASES, convLabel, convProblem } from "./_conv_cases.ts";

for (const c of CONV_CASES) {
  Deno.test(`conv2d weight gradient on wasm matches cpu: ${convLabel(c)}`, async () => {
    const big = c.x[3] * c.k * c.k > 100;
    await assertWasmMatchesCpu(
      convLabel(c),
      () => {
        const { x, w, loss } = convProblem(c);
        return [tf.grad((b: tf.Tensor) => loss(x, b))(w)];
      },
      big ? 1e-4 : 2e-5,
      2e-5,
    );
  });
}

Deno.test("fused conv2d with bias (what tf.layers.conv2d runs) trains on wasm and matches cpu", async () => {
  await assertWasmMatchesCpu("fused conv2d", () => {
    const x = randTensor<tf.Rank.R4>([2, 8, 9, 3], 21);
    const w = randTensor<tf.Rank.R4>([3, 3, 3, 4], 22);
    const b = randTensor<tf.Rank.R1>([4], 23);
    const r = randTensor([2, 4, 5, 4], 24);
    const f = (x: tf.Tensor, w: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.fused.conv2d({
            x: x as tf.Tensor4D,
            filter: w as tf.Tensor4D,
            bias: b,
            strides: 2,
            pad: "same",
          }),
          r,
        ),
      );
    return tf.grads(f)([x, w, b]);
  });
});

Deno.test("the NCHW data format of the wasm weight-gradient kernel agrees with NHWC", async () => {
  await ready("wasm", { quiet: true });
  tf.tidy(() => {
    const x = randTensor<tf.Rank.R4>([2, 7, 9, 3], 31);
    const dy = randTensor<tf.Rank.R4>([2, 4, 5, 4], 33);
    const nchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
    const attrs = { strides: 2, pad: "same", filterShape: [3, 3, 3, 4] };
    const a = tf.engine().runKernel(
      "Conv2DBackpropFilter",
      { x, dy },
      { ...attrs, dataFormat: "NHWC" } as never,
    ) as tf.Tensor;
    const b = tf.engine().runKernel(
      "Conv2DBackpropFilter",
      { x: nchw(x), dy: nchw(dy) },
      { ...attrs, dataFormat: "NCHW" } as never,
    ) as tf.Tensor;
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
  });
});

for (const c of [CONV_CASES[1], CONV_CASES[8], CONV_CASES[10]]) {
  Deno.test(`conv2d weight gradient on wasm agrees with finite differences: ${convLabel(c)}`, async () => {
    await ready("wasm", { quiet: true });
    checkFiniteDifferences(c, "w");
  });
}
