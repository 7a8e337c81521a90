/** seglab's wasm `Relu` (one SIMD pass) against the cpu backend, NaN and signed zeros included. */
import { tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";

for (const n of [4096, 4099]) {
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
