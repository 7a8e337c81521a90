import assert from "node:assert/strict";
import { bce, createLoss, tf } from "../../lib/mod.ts";
import { fixtureNames, loadFixture } from "./_fixtures.ts";
import { checkSmallFixture } from "./_check.ts";
import { testOnBackends } from "../support/backends.ts";
import { assertClose } from "../support/assert_close.ts";

const fixtures = fixtureNames().map(loadFixture).filter((f) => f.type === "BCELoss");

Deno.test("BCELoss fixtures are all found", () => assert.equal(fixtures.length, 1));
for (const f of fixtures) testOnBackends(`BCELoss fixture ${f.name}`, () => checkSmallFixture(f));

testOnBackends("BCELoss matches the closed form on 1 channel, with pos_weight", () => {
  const xs = [0.5, -1.25, 2, 0], ys = [1, 0, 1, 255];
  const x = tf.tensor4d(xs, [1, 2, 2, 1]);
  const y = tf.tensor3d(ys, [1, 2, 2], "int32");
  const sp = (v: number) => Math.log1p(Math.exp(v));
  const el = (v: number, t: number, pw: number) => pw * t * sp(-v) + (1 - t) * sp(v);
  for (const pw of [1, 3]) {
    const expected = (el(0.5, 1, pw) + el(-1.25, 0, pw) + el(2, 1, pw)) / 3;
    const got = bce(x, y, { pos_weight: pw === 1 ? null : pw }).dataSync()[0];
    assertClose(got, expected * 3 / 4 / (3 / 4 + 1e-10), 1e-6, 1e-5, `pos_weight ${pw}`);
  }
});

testOnBackends("BCELoss dynamic weights balance classes; edge_label reads extras.edges", () => {
  const x = tf.randomNormal([1, 4, 4, 1]) as tf.Tensor4D;
  const y = tf.tensor3d([[[1, 0, 0, 0], [0, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0]]], undefined, "int32");
  const dyn = createLoss({ type: "BCELoss", weight: "dynamic" }).compute(x, y).dataSync()[0];
  const plain = createLoss({ type: "BCELoss" }).compute(x, y).dataSync()[0];
  assert.ok(Number.isFinite(dyn) && dyn !== plain);
  const edgeLoss = createLoss({ type: "BCELoss", edge_label: true });
  assert.throws(() => edgeLoss.compute(x, y), /edge_label is true but no edge labels/);
  const fromEdges =
    edgeLoss.compute(x, tf.zeros([1, 4, 4], "int32") as tf.Tensor3D, { edges: y }).dataSync()[0];
  assertClose(fromEdges, plain, 1e-7, 1e-6, "edge_label on edges = plain on labels");
  assert.throws(() => createLoss({ type: "BCELoss", pos_weight: "auto" }), /BCELoss\.pos_weight/);
});
