import assert from "node:assert/strict";
import { createLossConfig, LossError, tf } from "../../lib/mod.ts";
import { fixtureNames, labelTensor, loadFixture, nhwcTensor } from "./_fixtures.ts";
import { checkSmallFixture } from "./_check.ts";
import { testOnBackends } from "../support/backends.ts";

const fixtures = fixtureNames().map(loadFixture).filter((f) => f.type === "LossConfig");

Deno.test("LossConfig fixtures are all found", () => assert.equal(fixtures.length, 1));
for (const f of fixtures) testOnBackends(`LossConfig fixture ${f.name}`, () => checkSmallFixture(f));

testOnBackends("LossConfig names terms out{i}.{Type} in PaddleSeg's order", () => {
  const f = loadFixture("config_two_outputs_mixed");
  const cfg = createLossConfig(f.params as never);
  const outs = (f.logits as unknown as number[][][][][]).map((l) => nhwcTensor(l));
  const names = cfg.terms(outs, labelTensor(f.labels)).map((t) => t.name);
  assert.deepEqual(names, [
    "out0.CrossEntropyLoss",
    "out0.LovaszSoftmaxLoss",
    "out1.CrossEntropyLoss",
    "out1.LovaszSoftmaxLoss",
  ]);
});

testOnBackends("LossConfig repeats a single type over coef, and refuses mismatches with both numbers", () => {
  const cfg = createLossConfig({ types: [{ type: "CrossEntropyLoss" }], coef: [1, 0.4] });
  assert.equal(cfg.types.length, 2);
  const x = tf.randomNormal([1, 2, 2, 3]) as tf.Tensor4D, y = tf.zeros([1, 2, 2], "int32") as tf.Tensor3D;
  const total = cfg.compute([x, x], y).dataSync()[0];
  const single =
    createLossConfig({ types: [{ type: "CrossEntropyLoss" }], coef: [1] }).compute([x], y).dataSync()[0];
  assert.ok(Math.abs(total - 1.4 * single) < 1e-5);
  assert.throws(
    () =>
      createLossConfig({
        types: [{ type: "CrossEntropyLoss" }, { type: "CrossEntropyLoss" }],
        coef: [1, 2, 3],
      }),
    (e: Error) => e instanceof LossError && /types has 2 entries and coef has 3/.test(e.message),
  );
  assert.throws(() => cfg.compute([x], y), /model gave 1 output but loss.types has 2 entries/);
  assert.throws(
    () => createLossConfig({ types: [{ type: "CrossEntropyLoss" }], coef: [1, "0.4x"] } as never),
    /loss\.coef\[1\]: expected a number, got "0.4x"/,
  );
  assert.throws(
    () => createLossConfig({ types: [{ type: "CrossEntropyLoss" }] } as never),
    /needs the keys "types" and "coef"/,
  );
});
