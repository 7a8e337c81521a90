import assert from "node:assert/strict";
import { createLoss, crossEntropy, LossError, tf } from "../../lib/mod.ts";
import { fixtureNames, loadFixture } from "./_fixtures.ts";
import { checkSmallFixture } from "./_check.ts";
import { testOnBackends } from "../support/backends.ts";
import { assertClose } from "../support/assert_close.ts";

const fixtures = fixtureNames().map(loadFixture).filter((f) => f.type === "CrossEntropyLoss");

Deno.test("CrossEntropyLoss fixtures are all found", () => assert.equal(fixtures.length, 4));

for (const f of fixtures) {
  testOnBackends(`CrossEntropyLoss fixture ${f.name}`, () => checkSmallFixture(f));
}

testOnBackends(
  "CrossEntropyLoss top-k uses k = int(fraction · all pixels) and trains on wasm without gather gradients",
  () => {
    const f = loadFixture("cross_entropy_top_k_0.25");
    const n = f.labels.length * f.labels[0].length * f.labels[0][0].length;
    assert.equal(Math.floor(0.25 * n), f.top_k_pixels);
    const x = tf.variable(tf.randomNormal([2, 4, 4, 3]));
    const y = tf.randomUniform([2, 4, 4], 0, 3, "int32") as tf.Tensor3D;
    const opt = tf.train.sgd(0.5);
    const loss = createLoss({ type: "CrossEntropyLoss", top_k_percent_pixels: 0.5, weight: [1, 2, 3] });
    const before = loss.compute(x as unknown as tf.Tensor4D, y).dataSync()[0];
    for (let i = 0; i < 5; i++) opt.minimize(() => loss.compute(x as unknown as tf.Tensor4D, y));
    const after = loss.compute(x as unknown as tf.Tensor4D, y).dataSync()[0];
    assert.ok(after < before, `top-k CE did not decrease: ${before} → ${after}`);
    x.dispose();
  },
);

testOnBackends("CrossEntropyLoss: NCHW data_format transposes; weight length is checked", () => {
  const x = tf.randomNormal([1, 3, 4, 2]) as tf.Tensor4D; // NHWC: C = 2
  const y = tf.randomUniform([1, 3, 4], 0, 2, "int32") as tf.Tensor3D;
  const nhwc = crossEntropy(x, y).dataSync()[0];
  const nchw =
    crossEntropy(tf.transpose(x, [0, 3, 1, 2]) as tf.Tensor4D, y, { data_format: "NCHW" }).dataSync()[0];
  assertClose(nchw, nhwc, 1e-7, 1e-6, "NCHW vs NHWC");
  assert.throws(
    () => crossEntropy(x, y, { weight: [1, 2, 3] }),
    (e: Error) => e instanceof LossError && /3 entries/.test(e.message) && /2 classes/.test(e.message),
  );
  assert.throws(
    () => createLoss({ type: "CrossEntropyLoss", weight: [1, "a"] }),
    /CrossEntropyLoss\.weight: item 1/,
  );
  assert.throws(
    () => createLoss({ type: "CrossEntropyLoss", top_k_percent_pixels: 2 }),
    /top_k_percent_pixels: must be ≤ 1/,
  );
});

testOnBackends("CrossEntropyLoss: gradient of an ignored pixel is 0", () => {
  const x = tf.randomNormal([1, 2, 2, 3]) as tf.Tensor4D;
  const y = tf.tensor3d([[[0, 255], [2, 1]]], undefined, "int32");
  const g = tf.grad((t: tf.Tensor) => crossEntropy(t as tf.Tensor4D, y))(x).dataSync();
  assert.ok(Array.from(g.slice(3, 6)).every((v) => v === 0), `ignored pixel gradient ${g.slice(3, 6)}`);
});
