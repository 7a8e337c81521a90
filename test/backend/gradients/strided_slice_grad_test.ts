/** seglab's `StridedSlice` gradient (missing in tfjs-core), on cpu and wasm. */
import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { assertAllClose } from "../../support/assert_close.ts";
import { rand, randTensor } from "../_compare.ts";
import { movementGradient } from "./_movement.ts";

const SHAPE = [4, 5, 6];
const CASES: [string, (x: tf.Tensor) => tf.Tensor][] = [
  ["plain range", (x) => tf.stridedSlice(x, [1, 0, 2], [3, 5, 5], [1, 1, 1])],
  ["strides 2 and 3", (x) => tf.stridedSlice(x, [0, 1, 0], [4, 5, 6], [2, 3, 2])],
  ["negative strides", (x) => tf.stridedSlice(x, [3, 4, 5], [0, 0, 0], [-1, -2, -3])],
  ["negative begin/end", (x) => tf.stridedSlice(x, [-3, -4, -1], [-1, -1, -7], [1, 2, -2])],
  ["begin and end masks", (x) => tf.stridedSlice(x, [2, 3, 1], [3, 4, 4], [1, 1, 2], 0b101, 0b011)],
  // (tfjs 4.22's forward stridedSlice is wrong when a shrink axis meets a non-unit stride, on
  // every backend, so the shrink cases use unit strides.)
  ["shrink axis", (x) => tf.stridedSlice(x, [2, 0, 1], [3, 5, 6], [1, 1, 1], 0, 0, 0, 0, 0b001)],
  ["shrink last axis", (x) => tf.stridedSlice(x, [1, -2, 3], [3, 5, 4], [1, 1, 1], 0, 0b010, 0, 0, 0b100)],
  ["new axis", (x) => tf.stridedSlice(x, [0, 1, 0, 0], [4, 2, 5, 6], [2, 1, 1, 3], 0, 0, 0, 0b010)],
  ["ellipsis", (x) => tf.stridedSlice(x, [0, 1], [0, 6], [1, 2], 0, 0, 0b001)],
  ["empty slice", (x) => tf.stridedSlice(x, [2, 0, 0], [2, 5, 6], [1, 1, 1])],
];

for (const [name, f] of CASES) {
  testOnBackends(`stridedSlice gradient: ${name}`, () => {
    const x = randTensor(SHAPE, 81);
    const y = tf.tidy(() => f(x));
    const r = rand(y.size, 82);
    const g = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), tf.tensor(r, y.shape))))(x));
    assert.deepEqual(g.shape, SHAPE);
    assertAllClose(g.dataSync(), movementGradient(f, SHAPE, r), 1e-6, 1e-6, name);
    tf.dispose([x, y, g]);
  });
}

testOnBackends("stridedSlice gradient differentiates again (second order through pad/reshape/slice)", () => {
  // d/dx Σ w·∇ₓ(Σ s(x)²) = 2·w on the sliced positions, 0 elsewhere.
  const x = randTensor([7], 83), w = randTensor([7], 84);
  const f = (b: tf.Tensor) => tf.stridedSlice(b, [1], [7], [2]);
  const g2 = tf.tidy(() =>
    tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.grad((b: tf.Tensor) => tf.sum(tf.square(f(b))))(a), w)))(x)
  );
  const wv = w.dataSync();
  assertAllClose(g2.dataSync(), [0, 2 * wv[1], 0, 2 * wv[3], 0, 2 * wv[5], 0], 1e-6, 1e-6, "second order");
  tf.dispose([x, w, g2]);
});
