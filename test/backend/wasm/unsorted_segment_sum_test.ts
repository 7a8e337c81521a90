/** seglab's wasm `UnsortedSegmentSum` (missing in the shipped backend; the gradient of gather). */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";

Deno.test("unsortedSegmentSum on wasm sums rows per segment and drops out-of-range ids", async () => {
  await ready("wasm", { quiet: true });
  const out = tf.tidy(() =>
    tf.unsortedSegmentSum(
      tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]),
      tf.tensor1d([2, 0, 2, 5], "int32"),
      3,
    )
  );
  assert.deepEqual(Array.from(out.dataSync()), [3, 4, 0, 0, 6, 8]);
  out.dispose();
  const ints = tf.tidy(() =>
    tf.unsortedSegmentSum(tf.tensor1d([1, 2, 3], "int32"), tf.tensor1d([1, 1, 0], "int32"), 2)
  );
  assert.equal(ints.dtype, "int32");
  assert.deepEqual(Array.from(ints.dataSync()), [3, 3]);
  ints.dispose();
});

for (const axis of [0, 1, 2]) {
  Deno.test(`gather (axis ${axis}, repeated indices) gradient on wasm matches cpu`, async () => {
    await assertWasmMatchesCpu(
      `gather axis ${axis}`,
      () => {
        const x = randTensor([5, 6, 7], 71);
        const idx = tf.tensor1d([0, 3, 3, 1, 4, 0], "int32");
        const y = tf.gather(x, idx, axis);
        const r = randTensor(y.shape, 72);
        return [y, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.gather(a, idx, axis), r)))(x)];
      },
      1e-6,
      1e-6,
    );
  });
}
