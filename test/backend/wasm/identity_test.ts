/** seglab's zero-copy wasm `Identity`. */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { randTensor } from "../_compare.ts";

Deno.test("wasm Identity (tf.clone, tensors saved for backprop) shares data instead of copying", async () => {
  await ready("wasm", { quiet: true });
  const x = randTensor([64, 64], 20);
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = backend.numDataIds();
  const y = tf.clone(x);
  assert.equal(backend.numDataIds(), before, "no new backend data");
  assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
  x.dispose();
  assert.equal(y.dataSync().length, 64 * 64, "the clone outlives the original");
  y.dispose();
  assert.equal(backend.numDataIds(), before - 1, "freed with its last reference");
});
