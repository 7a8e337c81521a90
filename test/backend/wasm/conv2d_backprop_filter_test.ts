/**
 * seglab's wasm `Conv2DBackpropFilter` (missing in the shipped backend) against the cpu
 * backend's kernel over strides, padding modes, dilations, kernel and odd input sizes; NCHW;
 * finite differences.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";
import { checkFiniteDifferences, CONV_CASES, type ConvCase, convLabel, convProblem } from "./_conv_cases.ts";

/**
 * Cases for the SIMD tile kernel (output channels a multiple of 4): input-channel tails of 1–3,
 * output-channel tails of one vector, 1×1 and larger kernels, strides 1–3, padding modes,
 * dilations with taps that never meet the input, kernels larger than the input, batch 1–3.
 */
const SIMD_CASES: ConvCase[] = [
  { x: [3, 9, 11, 3], k: 3, co: 8, s: 1, pad: "same" },
  { x: [2, 9, 11, 5], k: 3, co: 12, s: 2, pad: "same" },
  { x: [2, 10, 7, 6], k: 3, co: 4, s: 2, pad: "valid" },
  { x: [2, 8, 9, 16], k: 1, co: 8, s: 1, pad: "valid" },
  { x: [1, 8, 9, 7], k: 1, co: 4, s: 2, pad: "same" },
  { x: [2, 9, 9, 4], k: 3, co: 8, s: 1, pad: "same", d: 2 },
  { x: [1, 7, 12, 3], k: 5, co: 16, s: 3, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [2, 13, 11, 9], k: 4, co: 20, s: 2, pad: "same" },
  { x: [1, 3, 3, 2], k: 5, co: 4, s: 1, pad: "same" },
  { x: [1, 8, 8, 4], k: 3, co: 4, s: 1, pad: [[0, 0], [3, 3], [3, 3], [0, 0]], d: 4 },
  { x: [3, 11, 9, 20], k: 3, co: 24, s: 1, pad: "same" },
];

for (const c of SIMD_CASES) {
  Deno.test(`conv2d weight gradient on wasm (SIMD tiles) matches cpu: ${convLabel(c)}`, async () => {
    await assertWasmMatchesCpu(
      convLabel(c),
      () => {
        const { x, w, loss } = convProblem(c);
        return [tf.grad((b: tf.Tensor) => loss(x, b))(w)];
      },
      1e-4,
      2e-5,
    );
  });
}

Deno.test("conv2dTranspose's filter gradient (a weight gradient with the roles swapped) on wasm matches cpu", async () => {
  for (const [s, pad] of [[2, "same"], [1, "valid"]] as const) {
    await assertWasmMatchesCpu(
      `conv2dTranspose s${s} ${pad}`,
      () => {
        const x = randTensor<tf.Rank.R4>([2, 5, 6, 8], 41);
        const w = randTensor<tf.Rank.R4>([3, 3, 4, 8], 42); // [kh, kw, out channels, in channels]
        const outShape: [number, number, number, number] = s === 2 ? [2, 10, 12, 4] : [2, 7, 8, 4];
        const r = randTensor(outShape, 43);
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.sum(tf.mul(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, outShape, s, pad), r));
        return tf.grads(f)([x, w]);
      },
      1e-4,
      2e-5,
    );
  }
});

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

for (const co of [4, 5]) {
  Deno.test(`fused conv2d with bias (what tf.layers.conv2d runs) trains on wasm and matches cpu: ${co} filters`, async () => {
    await assertWasmMatchesCpu("fused conv2d", () => {
      const x = randTensor<tf.Rank.R4>([2, 8, 9, 3], 21);
      const w = randTensor<tf.Rank.R4>([3, 3, 3, co], 22);
      const b = randTensor<tf.Rank.R1>([co], 23);
      const r = randTensor([2, 4, 5, co], 24);
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
}

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
