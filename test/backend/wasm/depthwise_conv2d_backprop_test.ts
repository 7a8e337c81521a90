/**
 * seglab's wasm `DepthwiseConv2dNativeBackpropInput` / `…BackpropFilter` (both missing in the
 * shipped backend) against the cpu backend, over strides, padding, multipliers, dilations and
 * odd sizes; separable convolution; finite differences.
 */
import { ready, tf } from "../../../lib/mod.ts";
import { assertClose } from "../../support/assert_close.ts";
import { assertWasmMatchesCpu, finiteDifferences, randTensor, someCoords } from "../_compare.ts";

interface Case {
  x: [number, number, number, number];
  k: number;
  m: number;
  s: number;
  pad: "same" | "valid";
  d?: number;
}
const CASES: Case[] = [
  { x: [2, 9, 11, 3], k: 3, m: 1, s: 1, pad: "same" },
  { x: [2, 9, 11, 3], k: 3, m: 2, s: 2, pad: "same" },
  { x: [1, 12, 9, 4], k: 5, m: 1, s: 2, pad: "valid" },
  { x: [1, 12, 9, 4], k: 5, m: 3, s: 1, pad: "valid" },
  { x: [2, 8, 8, 2], k: 2, m: 1, s: 1, pad: "same" },
  { x: [2, 10, 9, 3], k: 3, m: 2, s: 1, pad: "same", d: 2 },
  { x: [1, 14, 13, 2], k: 3, m: 1, s: 1, pad: "valid", d: 3 },
  // Channels divisible by 4 and multiplier 1: the SIMD filter gradient.
  { x: [2, 10, 9, 8], k: 3, m: 1, s: 2, pad: "same" },
  { x: [1, 11, 10, 8], k: 3, m: 1, s: 1, pad: "same", d: 2 },
  { x: [3, 16, 16, 12], k: 5, m: 1, s: 1, pad: "valid" },
];
const label = (c: Case) => `x${c.x.join("x")} k${c.k} m${c.m} s${c.s} ${c.pad} d${c.d ?? 1}`;

function depthwiseGrads(c: Case): tf.Tensor[] {
  const x = randTensor<tf.Rank.R4>(c.x, 41);
  const w = randTensor<tf.Rank.R4>([c.k, c.k, c.x[3], c.m], 42);
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, "NHWC", c.d ?? 1);
  const y = f(x, w);
  const r = randTensor(y.shape, 43);
  return [y, ...tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)))([x, w])];
}

for (const c of CASES) {
  Deno.test(`depthwiseConv2d gradients on wasm match cpu: ${label(c)}`, async () => {
    await assertWasmMatchesCpu(label(c), () => depthwiseGrads(c), 2e-5, 2e-5);
  });
}

Deno.test("separableConv2d gradients on wasm match cpu", async () => {
  await assertWasmMatchesCpu(
    "separable",
    () => {
      const x = randTensor<tf.Rank.R4>([2, 9, 10, 3], 51);
      const dw = randTensor<tf.Rank.R4>([3, 3, 3, 2], 52);
      const pw = randTensor<tf.Rank.R4>([1, 1, 6, 5], 53);
      const r = randTensor([2, 5, 5, 5], 54);
      return tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
        tf.sum(tf.mul(tf.separableConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c as tf.Tensor4D, 2, "same"), r))
      )([x, dw, pw]);
    },
    5e-5,
    2e-5,
  );
});

Deno.test("depthwiseConv2d gradients on wasm agree with finite differences", async () => {
  await ready("wasm", { quiet: true });
  tf.tidy(() => {
    const c = CASES[1];
    const x = randTensor<tf.Rank.R4>(c.x, 41);
    const w = randTensor<tf.Rank.R4>([c.k, c.k, c.x[3], c.m], 42);
    const r = randTensor([2, 5, 6, 6], 43);
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad), r)) as tf.Scalar;
    const [dx, dw] = tf.grads(loss)([x, w]);
    const cx = someCoords(x.size), cw = someCoords(w.size);
    const fx = finiteDifferences((a) => loss(a, w), x, cx, 0.5);
    const fw = finiteDifferences((b) => loss(x, b), w, cw, 0.5);
    cx.forEach((i, k) => assertClose(dx.dataSync()[i], fx[k], 2e-3, 1e-3, `dx[${i}]`));
    cw.forEach((i, k) => assertClose(dw.dataSync()[i], fw[k], 2e-3, 1e-3, `dw[${i}]`));
  });
});
