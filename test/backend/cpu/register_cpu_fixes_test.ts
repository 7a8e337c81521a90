/** The cpu backend's bilinear-resize gradient on non-square images (tfjs 4.22 swapped H and W). */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { randTensor } from "../_compare.ts";

Deno.test("cpu: the gradient of bilinear up-sampling of a non-square image has the image's shape", async () => {
  await ready("cpu", { quiet: true });
  const x = randTensor<tf.Rank.R4>([2, 3, 5, 2], 501);
  const g = tf.tidy(() =>
    tf.grad((a: tf.Tensor) => tf.sum(tf.image.resizeBilinear(a as tf.Tensor4D, [6, 10])))(x)
  );
  assert.deepEqual(g.shape, [2, 3, 5, 2]);
  // Up-sampling ×2 spreads each output's unit gradient: the total is the number of outputs.
  assert.ok(Math.abs(tf.sum(g).dataSync()[0] - 2 * 6 * 10 * 2) < 1e-3);
  tf.dispose([x, g]);
});
