import assert from "node:assert/strict";
import { createLoss, LossError, lovaszSoftmax, tf } from "../../lib/mod.ts";
import { fixtureNames, loadFixture } from "./_fixtures.ts";
import { checkCompactFixture, checkSmallFixture } from "./_check.ts";
import { testOnBackends } from "../support/backends.ts";
import { assertAllClose, assertClose } from "../support/assert_close.ts";

const fixtures = fixtureNames().map(loadFixture).filter((f) => f.type === "LovaszSoftmaxLoss");

Deno.test("LovaszSoftmaxLoss fixtures are all found", () => {
  assert.equal(fixtures.length, 14, "12 small and 2 compact LovaszSoftmaxLoss fixtures");
});

for (const f of fixtures) {
  testOnBackends(`LovaszSoftmaxLoss fixture ${f.name}`, () => {
    const spec = { ...f.params } as Record<string, unknown>;
    if (f.per_image) spec.per_image = true;
    const g = { ...f, params: spec };
    return f.compact ? checkCompactFixture(g) : checkSmallFixture(g);
  });
}

function randomCase(n: number, h: number, w: number, c: number, seed: number, ignoreFrac = 0.1) {
  let s = seed >>> 0;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const logits = Float32Array.from({ length: n * h * w * c }, () => (rnd() - 0.5) * 6);
  const labels = Int32Array.from(
    { length: n * h * w },
    () => (rnd() < ignoreFrac ? 255 : Math.floor(rnd() * (c - 1))),
  );
  return { x: tf.tensor4d(logits, [n, h, w, c]), y: tf.tensor3d(labels, [n, h, w], "int32") };
}

function lossAndGrad(f: (x: tf.Tensor4D) => tf.Scalar, x: tf.Tensor4D) {
  const value = f(x), grads = tf.grad((t: tf.Tensor) => f(t as tf.Tensor4D))(x);
  const out = { loss: value.dataSync()[0], grad: grads.dataSync() as Float32Array };
  value.dispose();
  grads.dispose();
  return out;
}

for (const classes of ["present", "all", [0, 2]] as const) {
  for (const perImage of [false, true]) {
    testOnBackends(
      `lovaszSoftmax typed and tensor paths agree (classes ${
        JSON.stringify(classes)
      }, per_image ${perImage})`,
      () => {
        const { x, y } = randomCase(2, 9, 11, 5, 7 + (perImage ? 1 : 0));
        const opts = { classes: classes as "present" | "all" | number[], perImage };
        const a = lossAndGrad((t) => lovaszSoftmax(t, y, { ...opts, impl: "typed" }), x);
        const b = lossAndGrad((t) => lovaszSoftmax(t, y, { ...opts, impl: "tensor" }), x);
        assertClose(b.loss, a.loss, 1e-6, 1e-5, "loss");
        assertAllClose(b.grad, a.grad, 1e-7, 1e-4, "grad");
        x.dispose();
        y.dispose();
      },
    );
  }
}

testOnBackends(
  "lovaszSoftmax properties: loss ≥ 0, ignored pixels get 0, softmax gradient sums to 0 over C",
  () => {
    const { x, y } = randomCase(2, 8, 8, 4, 99, 0.25);
    const r = lossAndGrad((t) => lovaszSoftmax(t, y), x);
    assert.ok(r.loss >= 0, `loss ${r.loss}`);
    const labels = y.dataSync();
    for (let p = 0; p < labels.length; p++) {
      let sum = 0;
      for (let k = 0; k < 4; k++) {
        const g = r.grad[p * 4 + k];
        if (labels[p] === 255) assert.equal(g, 0, `ignored pixel ${p} has gradient ${g}`);
        sum += g;
      }
      assert.ok(Math.abs(sum) < 1e-7, `pixel ${p}: gradient sums to ${sum}`);
    }
    x.dispose();
    y.dispose();
  },
);

testOnBackends("lovaszSoftmax of a confident, correct prediction is near 0; of a wrong one near 1", () => {
  const labels = tf.tensor3d([[[0, 1], [2, 1]]], undefined, "int32");
  const oh = tf.oneHot(labels, 3).cast("float32") as tf.Tensor4D;
  const good = lovaszSoftmax(tf.mul(oh, 30) as tf.Tensor4D, labels);
  const bad = lovaszSoftmax(tf.mul(tf.sub(1, oh), 30) as tf.Tensor4D, labels);
  assert.ok(good.dataSync()[0] < 1e-6, `good prediction: ${good.dataSync()[0]}`);
  assert.ok(bad.dataSync()[0] > 0.99, `wrong prediction: ${bad.dataSync()[0]}`);
});

testOnBackends("LovaszSoftmaxLoss refuses bad input with clear messages", () => {
  const loss = createLoss({ type: "LovaszSoftmaxLoss" });
  const x = tf.zeros([1, 2, 2, 3]) as tf.Tensor4D;
  assert.throws(
    () => loss.compute(x, tf.tensor3d([[[0, 1], [7, 0]]], undefined, "int32")),
    (e: Error) => e instanceof LossError && /value 7/.test(e.message) && /\[0, 3\)/.test(e.message),
  );
  assert.throws(() => loss.compute(x, tf.zeros([1, 3, 2], "int32") as tf.Tensor3D), /\[1,3,2\].*\[1,2,2,3\]/);
  assert.throws(
    () =>
      loss.compute(tf.fill([1, 2, 2, 3], NaN) as tf.Tensor4D, tf.zeros([1, 2, 2], "int32") as tf.Tensor3D),
    /NaN/,
  );
  assert.throws(
    () => createLoss({ type: "LovaszSoftmaxLoss", classes: "some" }),
    /LovaszSoftmaxLoss\.classes/,
  );
  assert.throws(
    () => createLoss({ type: "LovaszSoftmaxLoss", clases: "all" }),
    /unknown parameter "clases".*classes/,
  );
  assert.throws(
    () =>
      createLoss({ type: "LovaszSoftmaxLoss", classes: [5] }).compute(
        x,
        tf.zeros([1, 2, 2], "int32") as tf.Tensor3D,
      ),
    /class 5/,
  );
  assert.throws(
    () => loss.compute(tf.zeros([1, 2, 2, 1]) as tf.Tensor4D, tf.zeros([1, 2, 2], "int32") as tf.Tensor3D),
    /LovaszHingeLoss/,
  );
});

testOnBackends(
  "LovaszSoftmaxLoss: every pixel ignored gives 0 with a zero gradient (not an empty tensor)",
  () => {
    const x = tf.randomNormal([2, 3, 3, 4]) as tf.Tensor4D;
    const y = tf.fill([2, 3, 3], 255, "int32") as tf.Tensor3D;
    for (const perImage of [false, true]) {
      const r = lossAndGrad((t) => lovaszSoftmax(t, y, { perImage }), x);
      assert.equal(r.loss, 0);
      assert.ok(r.grad.every((g) => g === 0));
    }
  },
);
