/**
 * seglab's wasm `Conv2DBackpropInput` (replacing the shipped scalar loop) against the cpu
 * backend's kernel over strides, padding modes, dilations, kernel and odd input sizes; as the
 * forward pass of `conv2dTranspose`; NCHW; finite differences.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";
import { checkFiniteDifferences, CONV_CASES, type ConvCase, convLabel, convProblem } from "./_conv_cases.ts";

/**
 * Cases for seglab's SIMD direct convolution (input channels a multiple of 4, so the gradient's
 * channels are): reduction lengths below and above its 4-channel unroll, one-vector channel
 * tails, 1×1 and larger kernels, strides 1–3 (spread output gradients), padding modes,
 * dilations, kernels larger than the input, widths that are not multiples of its 4-pixel groups.
 */
const SIMD_CASES: ConvCase[] = [
  { x: [3, 9, 11, 4], k: 3, co: 5, s: 1, pad: "same" },
  { x: [2, 9, 11, 8], k: 3, co: 7, s: 2, pad: "same" },
  { x: [2, 10, 7, 12], k: 3, co: 4, s: 2, pad: "valid" },
  { x: [2, 8, 9, 16], k: 1, co: 8, s: 1, pad: "valid" },
  { x: [1, 8, 9, 4], k: 1, co: 3, s: 2, pad: "same" },
  { x: [2, 9, 9, 8], k: 3, co: 6, s: 1, pad: "same", d: 2 },
  { x: [1, 7, 13, 4], k: 5, co: 3, s: 3, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [2, 13, 11, 20], k: 4, co: 9, s: 2, pad: "same" },
  { x: [1, 3, 3, 4], k: 5, co: 2, s: 1, pad: "same" },
  { x: [1, 9, 10, 8], k: 3, co: 4, s: 1, pad: "valid", d: 3 },
];

for (const c of SIMD_CASES) {
  Deno.test(`conv2d input gradient on wasm (SIMD direct conv) matches cpu: ${convLabel(c)}`, async () => {
    await assertWasmMatchesCpu(
      convLabel(c),
      () => {
        const { x, w, loss } = convProblem(c);
        return [tf.grad((a: tf.Tensor) => loss(a, w))(x)];
      },
      1e-4,
      2e-5,
    );
  });
}

for (const c of SIMD_CASES.filter((c) => (c.d ?? 1) === 1).slice(0, 4)) {
  Deno.test(`conv2dTranspose (SIMD direct conv forward) and its gradients on wasm match cpu: ${convLabel(c)}`, async () => {
    await assertWasmMatchesCpu(
      convLabel(c),
      () => {
        const w = randTensor<tf.Rank.R4>([c.k, c.k, c.x[3], c.co], 12);
        const probe = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, w, c.s, c.pad);
        const dy = randTensor<tf.Rank.R4>(probe.shape, 14);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, c.x, c.s, c.pad as "same" | "valid");
        const y = f(dy, w);
        const r = randTensor(y.shape, 15);
        const [gdy, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([dy, w]);
        return [y, gdy, gw];
      },
      1e-4,
      2e-5,
    );
  });
}

for (const c of CONV_CASES) {
  Deno.test(`conv2d input gradient on wasm matches cpu: ${convLabel(c)}`, async () => {
    await assertWasmMatchesCpu(convLabel(c), () => {
      const { x, w, loss } = convProblem(c);
      return [tf.conv2d(x, w, c.s, c.pad, "NHWC", c.d ?? 1), tf.grad((a: tf.Tensor) => loss(a, w))(x)];
    });
  });
}

for (const c of CONV_CASES.filter((c) => (c.d ?? 1) === 1 && c.x[0] < 4)) {
  Deno.test(`conv2dTranspose (Conv2DBackpropInput forward) and its gradients on wasm match cpu: ${convLabel(c)}`, async () => {
    await assertWasmMatchesCpu(convLabel(c), () => {
      const w = randTensor<tf.Rank.R4>([c.k, c.k, c.x[3], c.co], 12);
      const probe = tf.conv2d(tf.zeros(c.x) as tf.Tensor4D, w, c.s, c.pad);
      const dy = randTensor<tf.Rank.R4>(probe.shape, 14);
      const f = (a: tf.Tensor, b: tf.Tensor) =>
        tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, c.x, c.s, c.pad as "same" | "valid");
      const y = f(dy, w);
      const r = randTensor(y.shape, 15);
      const [gdy, gw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([dy, w]);
      return [y, gdy, gw];
    });
  });
}

Deno.test("the NCHW data format of the wasm input-gradient kernel agrees with NHWC", async () => {
  await ready("wasm", { quiet: true });
  tf.tidy(() => {
    const w = randTensor<tf.Rank.R4>([3, 3, 3, 4], 32);
    const dy = randTensor<tf.Rank.R4>([2, 4, 5, 4], 33);
    const nchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
    const attrs = { strides: 2, pad: "same" };
    const a = tf.engine().runKernel(
      "Conv2DBackpropInput",
      { dy, filter: w },
      { ...attrs, dataFormat: "NHWC", inputShape: [2, 7, 9, 3] } as never,
    ) as tf.Tensor;
    const b = tf.engine().runKernel(
      "Conv2DBackpropInput",
      { dy: nchw(dy), filter: w },
      { ...attrs, dataFormat: "NCHW", inputShape: [2, 3, 7, 9] } as never,
    ) as tf.Tensor;
    assert.deepEqual(Array.from(nchw(a).dataSync()), Array.from(b.dataSync()));
  });
});

for (const c of [CONV_CASES[1], CONV_CASES[8], CONV_CASES[10]]) {
  Deno.test(`conv2d input gradient on wasm agrees with finite differences: ${convLabel(c)}`, async () => {
    await ready("wasm", { quiet: true });
    checkFiniteDifferences(c, "x");
  });
}
