/**
 * seglab's wasm `Relu` (one SIMD pass) and its gradient against the cpu backend, NaN and signed
 * zeros included, small and split across the helper threads.
 */
import { tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";

for (const n of [4096, 4099, 100003]) { // the last: several work items over the helper threads
  Deno.test(`wasm Relu (SIMD) matches cpu, ${n} values with NaN and ±0`, async () => {
    await assertWasmMatchesCpu(
      `relu ${n}`,
      () => {
        const v = randTensor([n], 30).arraySync() as number[];
        v[0] = NaN;
        v[1] = -0;
        v[n - 1] = NaN;
        v[n - 2] = -5;
        const y = tf.relu(tf.tensor1d(v));
        const nan = tf.isNaN(y);
        return [tf.where(nan, tf.fill([n], 999), y), tf.cast(nan, "float32")]; // NaN stays NaN
      },
      0,
      0,
    );
  });
}

Deno.test("wasm Relu gradient (SIMD, split across the helper threads) matches cpu", async () => {
  await assertWasmMatchesCpu(
    "relu grad 100003",
    () => [
      tf.grad((x: tf.Tensor) => tf.sum(tf.mul(tf.relu(x), randTensor([100003], 32))))(
        randTensor([100003], 31),
      ),
    ],
    0,
    0,
  );
});
