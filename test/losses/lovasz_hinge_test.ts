import assert from "node:assert/strict";
import { createLoss, LossError, lovaszHinge, tf } from "../../lib/mod.ts";
import { fixtureNames, loadFixture } from "./_fixtures.ts";
import { checkCompactFixture, checkSmallFixture } from "./_check.ts";
import { testOnBackends } from "../support/backends.ts";
import { assertAllClose, assertClose } from "../support/assert_close.ts";

const fixtures = fixtureNames().map(loadFixture).filter((f) => f.type === "LovaszHingeLoss");

Deno.test("LovaszHingeLoss fixtures are all found", () => {
  assert.equal(fixtures.length, 10, "8 small and 2 compact LovaszHingeLoss fixtures");
});

for (const f of fixtures) {
  testOnBackends(`LovaszHingeLoss fixture ${f.name}`, () => {
    const g = { ...f, params: { ...f.params, ...(f.per_image ? { per_image: true } : {}) } };
    return f.compact ? checkCompactFixture(g) : checkSmallFixture(g);
  });
}

function lossAndGrad(f: (x: tf.Tensor4D) => tf.Scalar, x: tf.Tensor4D) {
  const value = f(x), grad = tf.grad((t: tf.Tensor) => f(t as tf.Tensor4D))(x);
  const out = { loss: value.dataSync()[0], grad: grad.dataSync() as Float32Array };
  value.dispose();
  grad.dispose();
  return out;
}

function randomCase(n: number, h: number, w: number, c: number, seed: number) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const x = tf.tensor4d(Float32Array.from({ length: n * h * w * c }, () => (rnd() - 0.5) * 4), [n, h, w, c]);
  const y = tf.tensor3d(
    Int32Array.from({ length: n * h * w }, () => (rnd() < 0.1 ? 255 : rnd() < 0.3 ? 1 : 0)),
    [n, h, w],
    "int32",
  );
  return { x, y };
}

for (const c of [1, 2]) {
  for (const twoChannel of c === 2 ? ["margin", "paddleseg"] as const : ["margin"] as const) {
    for (const perImage of [false, true]) {
      testOnBackends(
        `lovaszHinge typed and tensor paths agree (${c} ch, ${twoChannel}, per_image ${perImage})`,
        () => {
          const { x, y } = randomCase(3, 7, 9, c, 11 + c);
          const opts = { twoChannel, perImage };
          const a = lossAndGrad((t) => lovaszHinge(t, y, { ...opts, impl: "typed" }), x);
          const b = lossAndGrad((t) => lovaszHinge(t, y, { ...opts, impl: "tensor" }), x);
          assertClose(b.loss, a.loss, 1e-6, 1e-5, "loss");
          assertAllClose(b.grad, a.grad, 1e-6, 1e-4, "grad");
        },
      );
    }
  }
}

testOnBackends("lovaszHinge of a perfect margin is 0 with zero gradient; loss ≥ 0 otherwise", () => {
  const y = tf.tensor3d([[[1, 0, 1], [0, 255, 1]]], undefined, "int32");
  const perfect = tf.tensor4d([[[[1.5], [-1], [2]], [[-3], [0], [1]]]]);
  const r = lossAndGrad((t) => lovaszHinge(t, y), perfect);
  assert.equal(r.loss, 0);
  assert.ok(r.grad.every((g) => g === 0));
  const { x, y: y2 } = randomCase(2, 5, 5, 1, 5);
  const r2 = lossAndGrad((t) => lovaszHinge(t, y2), x);
  assert.ok(r2.loss > 0);
  const labels = y2.dataSync();
  labels.forEach((l, i) => l === 255 && assert.equal(r2.grad[i], 0, `ignored pixel ${i}`));
});

testOnBackends("LovaszHingeLoss: 2-channel margin default equals the 1-channel hinge on l1 − l0", () => {
  const { x, y } = randomCase(2, 6, 6, 2, 21);
  const margin = tf.sub(
    tf.slice(x, [0, 0, 0, 1], [-1, -1, -1, 1]),
    tf.slice(x, [0, 0, 0, 0], [-1, -1, -1, 1]),
  ) as tf.Tensor4D;
  const a = createLoss({ type: "LovaszHingeLoss" }).compute(x, y).dataSync()[0];
  const b = createLoss({ type: "LovaszHingeLoss" }).compute(margin, y).dataSync()[0];
  assertClose(a, b, 1e-6, 1e-6, "2-channel vs margin");
  const compat = createLoss({ type: "LovaszHingeLoss", paddleseg_compat: true }).compute(x, y).dataSync()[0];
  assert.ok(Math.abs(compat - a) > 1e-3, "paddleseg_compat differs from the margin form");
});

testOnBackends("LovaszHingeLoss refuses more than 2 channels and non-binary labels", () => {
  const hinge = createLoss({ type: "LovaszHingeLoss" });
  assert.throws(
    () => hinge.compute(tf.zeros([1, 2, 2, 3]) as tf.Tensor4D, tf.zeros([1, 2, 2], "int32") as tf.Tensor3D),
    (e: Error) =>
      e instanceof LossError && /3 channels/.test(e.message) && /LovaszSoftmaxLoss/.test(e.message),
  );
  assert.throws(
    () =>
      hinge.compute(
        tf.zeros([1, 2, 2, 1]) as tf.Tensor4D,
        tf.tensor3d([[[0, 2], [1, 0]]], undefined, "int32"),
      ),
    /value 2/,
  );
  assert.throws(
    () => createLoss({ type: "LovaszHingeLoss", paddleseg_compat: "yes" }),
    /paddleseg_compat: expected true or false/,
  );
});

testOnBackends(
  "LovaszHingeLoss: all pixels ignored gives 0, per image an empty image counts 0 in the mean",
  () => {
    const x = tf.randomNormal([2, 3, 3, 1]) as tf.Tensor4D;
    const y = tf.fill([2, 3, 3], 255, "int32") as tf.Tensor3D;
    assert.equal(lovaszHinge(x, y).dataSync()[0], 0);
    const y1 = tf.concat([tf.ones([1, 3, 3], "int32"), tf.fill([1, 3, 3], 255, "int32")]) as tf.Tensor3D;
    const both = lovaszHinge(x, y1, { perImage: true }).dataSync()[0];
    const first =
      lovaszHinge(tf.slice(x, 0, 1) as tf.Tensor4D, tf.slice(y1, 0, 1) as tf.Tensor3D).dataSync()[0];
    assertClose(both, first / 2, 1e-7, 1e-6, "per-image mean with an empty image");
  },
);
