/** Depthwise-convolution cases shared by the wasm depthwise-gradient tests. */
import { tf } from "../../../lib/mod.ts";
import { finiteDifferences, randTensor, someCoords } from "../_compare.ts";
import { assertClose } from "../../support/assert_close.ts";

export interface DepthwiseCase {
  x: [number, number, number, number];
  k: number;
  m: number;
  s: number;
  pad: "same" | "valid";
  d?: number;
}

export const DEPTHWISE_CASES: DepthwiseCase[] = [
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

export const depthwiseLabel = (c: DepthwiseCase) =>
  `x${c.x.join("x")} k${c.k} m${c.m} s${c.s} ${c.pad} d${c.d ?? 1}`;

/** The loss `Σ depthwiseConv2d(x, w)·r` of a case and its inputs (deterministic). */
export function depthwiseProblem(c: DepthwiseCase) {
  const x = randTensor<tf.Rank.R4>(c.x, 41);
  const w = randTensor<tf.Rank.R4>([c.k, c.k, c.x[3], c.m], 42);
  const f = (a: tf.Tensor, b: tf.Tensor) =>
    tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, "NHWC", c.d ?? 1);
  const r = tf.tidy(() => randTensor(f(x, w).shape, 43));
  const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, b), r)) as tf.Scalar;
  return { x, w, f, loss };
}

/** Gradient against central differences (exact up to rounding: the loss is linear in x and in w). */
export function checkDepthwiseFiniteDifferences(c: DepthwiseCase, wrt: "x" | "w"): void {
  tf.tidy(() => {
    const { x, w, loss } = depthwiseProblem(c);
    const g = (wrt === "x"
      ? tf.grad((a: tf.Tensor) => loss(a, w))(x)
      : tf.grad((b: tf.Tensor) => loss(x, b))(w))
      .dataSync();
    const t = wrt === "x" ? x : w;
    const coords = someCoords(t.size);
    const fd = finiteDifferences((v) => (wrt === "x" ? loss(v, w) : loss(x, v)), t, coords, 0.5);
    coords.forEach((i, k) => assertClose(g[i], fd[k], 2e-3, 1e-3, `d${wrt}[${i}]`));
  });
}
