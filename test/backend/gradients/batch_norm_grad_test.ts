/**
 * seglab's `FusedBatchNorm` gradient (broadcasting instead of tfjs-core's full-size Tile), on cpu
 * and wasm, against the same function written with elementwise ops (differentiated by tfjs-core's
 * own gradients), and against finite differences. (tfjs-core's tape cannot differentiate
 * `tf.batchNorm` called without offset or scale, whatever the gradient, so every case passes both.)
 */
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { assertAllClose, assertClose } from "../../support/assert_close.ts";
import { finiteDifferences, randTensor, someCoords } from "../_compare.ts";

const EPS = 1e-3;
const byOps = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
  tf.add(tf.mul(tf.mul(tf.sub(x, m), tf.rsqrt(tf.add(v, EPS))), s), o);
const fused = (x: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) =>
  tf.batchNorm(x, m, v, o, s, EPS);

function inputs() {
  const x = randTensor([2, 5, 3, 4], 101);
  const m = randTensor([4], 102);
  const v = tf.tidy(() => tf.add(tf.abs(randTensor([4], 103)), 0.2));
  const o = randTensor([4], 104);
  const s = randTensor([4], 105, 1);
  return [x, m, v, o, s];
}

testOnBackends("batchNorm gradient (all five inputs) equals the elementwise formula's", () => {
  const ins = inputs();
  const r = randTensor([2, 5, 3, 4], 106);
  const loss = (f: typeof byOps) => (...a: tf.Tensor[]) => tf.sum(tf.mul(f(a[0], a[1], a[2], a[3], a[4]), r));
  const got = tf.tidy(() => tf.grads(loss(fused))(ins));
  const want = tf.tidy(() => tf.grads(loss(byOps))(ins));
  got.forEach((g, i) => assertAllClose(g.dataSync(), want[i].dataSync(), 1e-5, 1e-5, `input ${i}`));
  tf.dispose([...ins, r, ...got, ...want]);
});

testOnBackends("batchNorm in training mode (moments of x) matches the elementwise formula", () => {
  const x = randTensor([3, 4, 4, 5], 107);
  const o = randTensor([5], 108);
  const s = randTensor([5], 109, 1);
  const r = randTensor([3, 4, 4, 5], 110);
  const train = (f: "fused" | "ops") => (a: tf.Tensor, off: tf.Tensor, sc: tf.Tensor) => {
    const { mean, variance } = tf.moments(a, [0, 1, 2]);
    const y = f === "fused"
      ? tf.batchNorm(a, mean, variance, off, sc, EPS)
      : byOps(a, mean, variance, off, sc);
    return tf.sum(tf.mul(y, r));
  };
  const got = tf.tidy(() => tf.grads(train("fused"))([x, o, s]));
  const want = tf.tidy(() => tf.grads(train("ops"))([x, o, s]));
  got.forEach((g, i) => assertAllClose(g.dataSync(), want[i].dataSync(), 2e-5, 2e-5, `training input ${i}`));
  tf.dispose([x, o, s, r, ...got, ...want]);
});

testOnBackends("batchNorm gradient in training mode agrees with finite differences", () => {
  const x = randTensor([2, 3, 3, 2], 111);
  const s = randTensor([2], 112, 1);
  const o = randTensor([2], 114);
  const r = randTensor([2, 3, 3, 2], 113);
  const loss = (a: tf.Tensor) =>
    tf.tidy(() => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.sum(tf.mul(tf.square(tf.batchNorm(a, mean, variance, o, s, EPS)), r)) as tf.Scalar;
    });
  const g = tf.tidy(() => tf.grad(loss)(x));
  const coords = someCoords(x.size, 8);
  const fd = finiteDifferences(loss, x, coords, 1e-2);
  coords.forEach((i, k) => assertClose(g.dataSync()[i], fd[k], 5e-3, 2e-2, `dx[${i}]`));
  tf.dispose([x, s, o, r, g]);
});
