/**
 * seglab's wasm `MaxPoolGrad`, which replaces the shipped kernel that lost the gradient of
 * windows whose values are all ≤ 0.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";

Deno.test("maxPool gradient on wasm routes an all-negative window's gradient to its maximum", async () => {
  await ready("wasm", { quiet: true });
  const dx = tf.tidy(() => {
    const x = tf.tensor4d([-4, -3, -2, -1], [1, 2, 2, 1]);
    return tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, "valid")))(x);
  });
  assert.deepEqual(Array.from(dx.dataSync()), [0, 0, 0, 1]);
  dx.dispose();
});

Deno.test("maxPool gradient on wasm keeps every window's gradient on negative-heavy input", async () => {
  await ready("wasm", { quiet: true });
  const total = tf.tidy(() => {
    const x = randTensor<tf.Rank.R4>([2, 8, 8, 3], 61, -0.6);
    return tf.sum(tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 2, "valid")))(x));
  });
  assert.equal(total.dataSync()[0], 2 * 4 * 4 * 3); // one unit of gradient per window
  total.dispose();
});

for (
  const [k, s, pad] of [[2, 2, "valid"], [3, 2, "same"], [3, 1, "same"], [2, 2, "same"], [
    3,
    2,
    "valid",
  ]] as const
) {
  Deno.test(`maxPool k${k} s${s} ${pad} gradient on wasm matches cpu (odd sizes, negative values)`, async () => {
    await assertWasmMatchesCpu(
      `maxPool k${k} s${s} ${pad}`,
      () => {
        const x = randTensor<tf.Rank.R4>([2, 9, 7, 4], 62, -0.5);
        const y = tf.maxPool(x, k, s, pad);
        const r = randTensor(y.shape, 63);
        return [y, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, k, s, pad), r)))(x)];
      },
      1e-6,
      1e-6,
    ); // overlapping windows add in a different order
  });
}

for (const pad of ["valid", "same"] as const) {
  Deno.test(`maxPool 2×2 stride 2 (${pad}, even sizes: the SIMD path) gradient on wasm matches cpu, ties included`, async () => {
    await assertWasmMatchesCpu(
      `maxPool simd ${pad}`,
      () => {
        // Quantised values make ties common: the first maximum in row-major order must win.
        const x = tf.round(tf.mul(randTensor<tf.Rank.R4>([2, 8, 6, 8], 64, -0.3), 2)) as tf.Tensor4D;
        const y = tf.maxPool(x, 2, 2, pad);
        const r = randTensor(y.shape, 65);
        return [y, tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, 2, 2, pad), r)))(x)];
      },
      0,
      0,
    );
  });
}
