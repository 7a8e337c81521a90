/** `Cast` on `wasm`: to the same dtype it shares the data (no copy, one more reference); other casts as before. */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import type { WasmBackend } from "../../../lib/backend/wasm/heap.ts";

Deno.test("Cast to the same dtype shares the data on wasm; other casts convert; nothing leaks", async () => {
  await ready("wasm", { quiet: true });
  const backend = tf.backend() as unknown as WasmBackend & { numDataIds(): number };
  const x = tf.tensor2d([[1.5, -2.25], [3, 0]]), i = tf.tensor1d([1, 2, 3], "int32");
  const ids = backend.numDataIds();
  const same = tf.cast(x, "float32");
  assert.equal(backend.numDataIds(), ids, "no new data");
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2.25, 3, 0]);
  const asInt = tf.cast(x, "int32"), asFloat = tf.cast(i, "float32");
  assert.deepEqual(Array.from(asInt.dataSync()), [1, -2, 3, 0]);
  assert.equal(asFloat.dtype, "float32");
  x.dispose();
  assert.deepEqual(Array.from(same.dataSync()), [1.5, -2.25, 3, 0], "the shared data outlives the original");
  tf.dispose([same, asInt, asFloat, i]);
  assert.equal(backend.numDataIds(), ids - 2);
});
