/**
 * The per-shape choice between the direct and the Winograd convolution: `auto` times both once
 * per shape (without leaking the discarded results) and reuses the decision; `off` never
 * calibrates; the mode setter returns the previous mode.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import {
  resetWinogradDecisions,
  setWinogradMode,
  winogradDecisions,
  winogradMode,
} from "../../../lib/backend/wasm/conv3x3_choice.ts";
import { randTensor } from "../_compare.ts";
import { assertAllClose } from "../../support/assert_close.ts";

Deno.test("auto mode calibrates each 3×3 shape once, leak-free, and keeps the faster kernel", async () => {
  await ready("wasm", { quiet: true });
  const prev = setWinogradMode("auto");
  try {
    assert.equal(winogradMode(), "auto");
    resetWinogradDecisions();
    const x = randTensor<tf.Rank.R4>([2, 10, 9, 8], 31), w = randTensor<tf.Rank.R4>([3, 3, 8, 12], 32);
    setWinogradMode("off");
    const want = tf.conv2d(x, w, 1, "same");
    assert.equal(winogradDecisions().length, 0, "off: nothing calibrated");
    setWinogradMode("auto");
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    const got = tf.conv2d(x, w, 1, "same");
    assert.equal(backend.numDataIds(), ids + 1, "only the result survives the calibration");
    const d = winogradDecisions();
    assert.equal(d.length, 1);
    assert.ok(
      d[0].directMs >= 0 && d[0].winogradMs >= 0 && d[0].shape.startsWith("fwd"),
      JSON.stringify(d[0]),
    );
    assert.equal(d[0].winograd, d[0].winogradMs < d[0].directMs);
    assertAllClose(got.dataSync(), want.dataSync(), 1e-5, 1e-5, "calibrated result");
    tf.dispose(tf.conv2d(x, w, 1, "same"));
    assert.equal(winogradDecisions().length, 1, "the shape is not measured again");
    tf.dispose(tf.conv2d(x, w, 1, "valid"));
    assert.equal(winogradDecisions().length, 2, "a new padding is a new shape");
    tf.dispose([x, w, want, got]);
  } finally {
    setWinogradMode(prev);
    resetWinogradDecisions();
  }
});
