/**
 * seglab's wasm `Conv2DBackpropFilter` (added) and `Conv2DBackpropInput` (replaced) against the
 * cpu backend's kernels, over strides, padding modes, dilations, kernel and odd input sizes,
 * plus finite differences on wasm.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { assertClose } from "../../support/assert_close.ts";
import { assertWasmMatchesCpu, finiteDifferences, randTensor, someCoords } from "../_compare.ts";

type Pad = "same" | "valid" | [[0, 0], [number, number], [number, number], [0, 0]];
interface Case {
  x: [number, number, number, number];
  k: number;
  co: number;
  s: number;
  pad: Pad;
  d?: number;
}

const CASES: Case[] = [
  { x: [2, 9, 11, 3], k: 3, co: 5, s: 1, pad: "same" },
  { x: [2, 9, 11, 3], k: 3, co: 5, s: 2, pad: "same" },
  { x: [2, 9, 11, 3], k: 3, co: 5, s: 2, pad: "valid" },
  { x: [1, 10, 7, 4], k: 5, co: 3, s: 3, pad: "valid" },
  { x: [1, 10, 7, 4], k: 4, co: 3, s: 2, pad: "same" },
  { x: [2, 8, 8, 6], k: 1, co: 4, s: 1, pad: "valid" },
  { x: [2, 8, 8, 6], k: 1, co: 4, s: 2, pad: "same" },
  { x: [1, 9, 9, 2], k: 2, co: 3, s: 1, pad: "same" },
  { x: [2, 7, 10, 3], k: 3, co: 4, s: 1, pad: [[0, 0], [2, 1], [0, 3], [0, 0]] },
  { x: [2, 7, 10, 3], k: 2, co: 4, s: 2, pad: [[0, 0], [4, 0], [1, 1], [0, 0]] },
  { x: [2, 9, 11, 3], k: 3, co: 5, s: 1, pad: "same", d: 2 },
  { x: [1, 13, 12, 2], k: 3, co: 3, s: 1, pad: "valid", d: 3 },
  { x: [1, 10, 10, 2], k: 2, co: 3, s: 1, pad: [[0, 0], [1, 2], [2, 0], [0, 0]], d: 2 },
  { x: [4, 16, 16, 16], k: 3, co: 8, s: 1, pad: "same" },
];

function label(c: Case): string {
  return `x${c.x.join("x")} k${c.k}→${c.co} s${c.s} ${typeof c.pad === "string" ? c.pad : "explicit"} d${
    c.d ?? 1
  }`;
}

/** y, dL/dx, dL/dw for L = Σ conv2d(x, w)·r. */
function convGrads(c: Case): tf.Tensor[] {
  const x = randTensor<tf.Rank.R4>(c.x, 11);
  const w = randTensor<tf.Rank.R4>([c.k, c.k, c.x[3], c.co], 12);
  const y = tf.conv2d(x, w, c.s, c.pad, "NHWC", c.d ?? 1);
  const r = randTensor(y.shape, 13);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, "NHWC", c.d ?? 1), r))
  )([x, w]);
  return [y, dx, dw];
}

for (const c of CASES) {
  Deno.test(`conv2d gradients on wasm match cpu: ${label(c)}`, async () => {
    const big = c.x[3] * c.k * c.k > 100;
    await assertWasmMatchesCpu(label(c), () => convGrads(c), big ? 1e-4 : 2e-5, 2e-5);
  });
}

for (const c of CASES.filter((c) => (c.d ?? 1) === 1 && c.x[0] < 4)) {
  Deno.test(`conv2dTranspose (Conv2DBackpropInput forward) and its gradients on wasm match cpu: ${label(c)}`, async () => {
    await assertWasmMatchesCpu(label(c), () => {
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

Deno.test("the NCHW data format of the wasm conv gradient kernels agrees with NHWC", async () => {
  await ready("wasm", { quiet: true });
  tf.tidy(() => {
    const x = randTensor<tf.Rank.R4>([2, 7, 9, 3], 31);
    const w = randTensor<tf.Rank.R4>([3, 3, 3, 4], 32);
    const dy = randTensor<tf.Rank.R4>([2, 4, 5, 4], 33);
    const attrs = { strides: 2, pad: "same" };
    const nchw = (t: tf.Tensor) => tf.transpose(t, [0, 3, 1, 2]);
    const dxA = tf.engine().runKernel(
      "Conv2DBackpropInput",
      { dy, filter: w },
      { ...attrs, dataFormat: "NHWC", inputShape: x.shape } as never,
    ) as tf.Tensor;
    const dxB = tf.engine().runKernel(
      "Conv2DBackpropInput",
      { dy: nchw(dy), filter: w },
      { ...attrs, dataFormat: "NCHW", inputShape: [2, 3, 7, 9] } as never,
    ) as tf.Tensor;
    const dwA = tf.engine().runKernel(
      "Conv2DBackpropFilter",
      { x, dy },
      { ...attrs, dataFormat: "NHWC", filterShape: w.shape } as never,
    ) as tf.Tensor;
    const dwB = tf.engine().runKernel(
      "Conv2DBackpropFilter",
      { x: nchw(x), dy: nchw(dy) },
      { ...attrs, dataFormat: "NCHW", filterShape: w.shape } as never,
    ) as tf.Tensor;
    assert.deepEqual(Array.from(nchw(dxA).dataSync()), Array.from(dxB.dataSync()));
    assert.deepEqual(Array.from(dwA.dataSync()), Array.from(dwB.dataSync()));
  });
});

for (const c of [CASES[1], CASES[8], CASES[10]]) {
  Deno.test(`conv2d gradients on wasm agree with finite differences: ${label(c)}`, async () => {
    await ready("wasm", { quiet: true });
    tf.tidy(() => {
      const x = randTensor<tf.Rank.R4>(c.x, 11);
      const w = randTensor<tf.Rank.R4>([c.k, c.k, c.x[3], c.co], 12);
      const y = tf.conv2d(x, w, c.s, c.pad, "NHWC", c.d ?? 1);
      const r = randTensor(y.shape, 13);
      const loss = (a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(
          tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, "NHWC", c.d ?? 1), r),
        ) as tf.Scalar;
      const [dx, dw] = tf.grads(loss)([x, w]);
      // The loss is linear in each argument, so central differences are exact up to rounding.
      const cx = someCoords(x.size), cw = someCoords(w.size);
      const fx = finiteDifferences((a) => loss(a, w), x, cx, 0.5);
      const fw = finiteDifferences((b) => loss(x, b), w, cw, 0.5);
      const gx = dx.dataSync(), gw = dw.dataSync();
      cx.forEach((i, k) => assertClose(gx[i], fx[k], 2e-3, 1e-3, `dx[${i}]`));
      cw.forEach((i, k) => assertClose(gw[i], fw[k], 2e-3, 1e-3, `dw[${i}]`));
    });
  });
}
