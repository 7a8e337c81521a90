/** Convolution cases shared by the wasm conv-gradient tests: strides, padding modes, dilations, odd sizes. */
import { tf } from "../../../lib/mod.ts";
import { finiteDifferences, randTensor, someCoords } from "../_compare.ts";
import { assertClose } from "../../support/assert_close.ts";

export type Pad = "same" | "valid" | [[0, 0], [number, number], [number, number], [0, 0]];
export interface ConvCase {
  x: [number, number, number, number];
  k: number;
  co: number;
  s: number;
  pad: Pad;
  d?: number;
}

export const CONV_CASES: ConvCase[] = [
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

export function convLabel(c: ConvCase): string {
  const pad = typeof c.pad === "string" ? c.pad : "explicit";
  return `x${c.x.join("x")} k${c.k}→${c.co} s${c.s} ${pad} d${c.d ?? 1}`;
}

/** The loss `Σ conv2d(x, w)·r` of a case and its inputs (deterministic). */
export function convProblem(c: ConvCase) {
  const x = randTensor<tf.Rank.R4>(c.x, 11);
  const w = randTensor<tf.Rank.R4>([c.k, c.k, c.x[3], c.co], 12);
  const r = tf.tidy(() => randTensor(tf.conv2d(x, w, c.s, c.pad, "NHWC", c.d ?? 1).shape, 13));
  const loss = (a: tf.Tensor, b: tf.Tensor) =>
    tf.sum(
      tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.s, c.pad, "NHWC", c.d ?? 1), r),
    ) as tf.Scalar;
  return { x, w, loss };
}

/**
 * Checks the gradient of a case's loss with respect to `x` or `w` against central differences
 * (the loss is linear in each, so they are exact up to rounding).
 */
export function checkFiniteDifferences(c: ConvCase, wrt: "x" | "w"): void {
  tf.tidy(() => {
    const { x, w, loss } = convProblem(c);
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
