/** mixSeed: stable, 31-bit, order-sensitive, and never 0 (TensorFlow.js reads seed 0 as "no seed"). */
import assert from "node:assert/strict";
import { ready, tf } from "../../lib/mod.ts";
import { mixSeed } from "../../lib/models/seed.ts";

Deno.test("mixSeed is stable, positive and 31-bit, and the order of its parts matters", () => {
  assert.equal(mixSeed(42, 7), mixSeed(42, 7));
  assert.notEqual(mixSeed(42, 7), mixSeed(7, 42));
  assert.notEqual(mixSeed(2 ** 40 + 1), mixSeed(1), "the high half of a large seed mixes in");
  for (let i = 0; i < 10000; i++) {
    const s = mixSeed(i, i >> 3);
    assert.ok(Number.isInteger(s) && s >= 1 && s < 2 ** 31, `mixSeed(${i}) = ${s}`);
  }
});

Deno.test("why 0 is never a seed: tf.randomNormal (the initialisers' draw) is random for seed 0, repeatable for 1", async () => {
  await ready("cpu", { quiet: true });
  const draw = (seed: number) => tf.tidy(() => tf.randomNormal([8], 0, 1, "float32", seed).dataSync());
  assert.deepEqual(draw(1), draw(1));
  assert.notDeepEqual(draw(0), draw(0));
});
