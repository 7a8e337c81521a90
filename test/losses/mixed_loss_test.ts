import assert from "node:assert/strict";
import { createLoss, LossError } from "../../lib/mod.ts";
import { fixtureNames, labelTensor, loadFixture, nhwcTensor } from "./_fixtures.ts";
import { checkSmallFixture } from "./_check.ts";
import { testOnBackends } from "../support/backends.ts";
import { assertClose } from "../support/assert_close.ts";

const fixtures = fixtureNames().map(loadFixture).filter((f) => f.type === "MixedLoss");

Deno.test("MixedLoss fixtures are all found", () => assert.equal(fixtures.length, 3));
for (const f of fixtures) testOnBackends(`MixedLoss fixture ${f.name}`, () => checkSmallFixture(f));

testOnBackends("MixedLoss terms are PaddleSeg's list, named, and sum to compute()", () => {
  const f = loadFixture("mixed_ce_lovasz_softmax");
  const loss = createLoss({ type: f.type, ...f.params });
  const x = nhwcTensor(f.logits as number[][][][]), y = labelTensor(f.labels);
  const terms = loss.terms(x, y);
  assert.deepEqual(terms.map((t) => t.name), ["CrossEntropyLoss", "LovaszSoftmaxLoss"]);
  const sum = terms.reduce((a, t) => a + t.value.dataSync()[0], 0);
  assertClose(loss.compute(x, y).dataSync()[0], sum, 1e-7, 1e-6, "sum of terms");
  const dup = createLoss({
    type: "MixedLoss",
    losses: [{ type: "CrossEntropyLoss" }, { type: "CrossEntropyLoss", weight: [1, 2, 1, 1] }],
    coef: [1, 1],
  });
  assert.deepEqual(dup.terms(x, y).map((t) => t.name), ["CrossEntropyLoss", "CrossEntropyLoss#2"]);
});

Deno.test("MixedLoss refuses mismatched or non-numeric coef and bad sub-losses", () => {
  assert.throws(
    () => createLoss({ type: "MixedLoss", losses: [{ type: "CrossEntropyLoss" }], coef: [1, 2] }),
    (e: Error) => e instanceof LossError && /1 entries/.test(e.message) && /coef has 2/.test(e.message),
  );
  assert.throws(
    () => createLoss({ type: "MixedLoss", losses: [{ type: "CrossEntropyLoss" }], coef: ["x"] }),
    /coef\[0\]: expected a number, got "x"/,
  );
  assert.throws(
    () => createLoss({ type: "MixedLoss", losses: [{ type: "NopeLoss" }], coef: [1] }),
    (e: Error) =>
      /losses\[0\]: unknown loss type "NopeLoss"/.test(e.message) && /LovaszSoftmaxLoss/.test(e.message),
  );
  assert.throws(() => createLoss({ type: "Lovasz" }), /known types: .*LovaszHingeLoss/);
});
