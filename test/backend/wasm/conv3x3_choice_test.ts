/**
 * The per-shape choice between the direct and the Winograd convolution: `measure` alternates the two
 * kernels over a shape's first calls (each call computes its result once, leak-free, and both
 * kernels' results agree), then settles on the faster; `off` never calibrates; the mode setter
 * returns the previous mode.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import {
  resetWinogradDecisions,
  setWinogradMode,
  TIMED_CALLS,
  WARM_CALLS,
  winogradCalibrating,
  winogradDecisions,
  winogradMode,
} from "../../../lib/backend/wasm/conv3x3_choice.ts";
import { randTensor } from "../_compare.ts";
import { assertAllClose } from "../../support/assert_close.ts";

Deno.test("measure mode settles each 3×3 shape after its first calls, leak-free, on the faster kernel", async () => {
  await ready("wasm", { quiet: true });
  const prev = setWinogradMode("measure");
  try {
    assert.equal(winogradMode(), "measure");
    resetWinogradDecisions();
    const x = randTensor<tf.Rank.R4>([2, 10, 9, 8], 31), w = randTensor<tf.Rank.R4>([3, 3, 8, 12], 32);
    setWinogradMode("off");
    const want = tf.conv2d(x, w, 1, "same");
    assert.equal(winogradCalibrating() + winogradDecisions().length, 0, "off: nothing calibrated");
    setWinogradMode("measure");
    const backend = tf.backend() as unknown as { numDataIds(): number };
    const ids = backend.numDataIds();
    const outs: Float32Array[] = [];
    for (let k = 0; k < WARM_CALLS + TIMED_CALLS; k++) {
      assert.equal(winogradDecisions().length, 0, `undecided before call ${k + 1}`);
      const y = tf.conv2d(x, w, 1, "same");
      outs.push(y.dataSync() as Float32Array);
      y.dispose();
      assert.equal(backend.numDataIds(), ids, "no backend data left behind");
    }
    assert.equal(winogradCalibrating(), 0);
    const d = winogradDecisions();
    assert.equal(d.length, 1);
    assert.ok(
      d[0].shape.startsWith("fwd") && d[0].directMs >= 0 && d[0].winogradMs >= 0,
      JSON.stringify(d[0]),
    );
    assert.equal(d[0].winograd, d[0].winogradMs < d[0].directMs);
    // Both kernels ran (their roundings differ) and both agree with the direct result.
    assert.ok(outs.some((o, i) => i > 0 && o.some((v, j) => v !== outs[0][j])), "the two kernels alternated");
    outs.forEach((o, i) => assertAllClose(o, want.dataSync(), 1e-5, 1e-5, `call ${i + 1}`));
    tf.dispose(tf.conv2d(x, w, 1, "same"));
    assert.equal(winogradDecisions().length, 1, "the shape is not measured again");
    tf.dispose(tf.conv2d(x, w, 1, "valid"));
    assert.equal(winogradCalibrating(), 1, "a new padding is a new shape");
    tf.dispose([x, w, want]);
  } finally {
    setWinogradMode(prev);
    resetWinogradDecisions();
  }
});
