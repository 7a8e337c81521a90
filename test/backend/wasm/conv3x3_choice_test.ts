/**
 * The per-shape choice between the direct and the Winograd convolution: `measure` alternates the two
 * kernels over a shape's first calls (each call computes its result once, leak-free, and both
 * kernels' results agree), then settles on the faster; `off` never calibrates; the mode setter
 * returns the previous mode; `on` picks between the two Winograd kernels by the fixed size rule.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import {
  resetWinogradDecisions,
  setWinogradMode,
  TIMED_CALLS,
  WARM_CALLS,
  winograd4Preferred,
  winogradCalibrating,
  winogradDecisions,
  type WinogradMode,
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

Deno.test("on follows the fixed rule: F(4×4, 3×3) for outputs of 32×32 and more, F(2×2, 3×3) below", async () => {
  await ready("wasm", { quiet: true });
  const prev = setWinogradMode("on");
  try {
    assert.equal(winograd4Preferred(32, 32, 8, 8), true);
    assert.equal(winograd4Preferred(16, 64, 8, 8), false);
    const run = (mode: WinogradMode, x: tf.Tensor4D, w: tf.Tensor4D) => {
      setWinogradMode(mode);
      return tf.tidy(() => tf.conv2d(x, w, 1, "same").dataSync() as Float32Array);
    };
    const same = (a: Float32Array, b: Float32Array) => a.every((v, i) => v === b[i]);
    for (const [size, f43] of [[32, true], [16, false]] as const) {
      const x = randTensor<tf.Rank.R4>([1, size, size, 8], 33), w = randTensor<tf.Rank.R4>([3, 3, 8, 8], 34);
      const on = run("on", x, w), y23 = run("f23", x, w), y43 = run("f43", x, w);
      assert.ok(!same(y23, y43), "the two Winograd kernels round differently");
      assert.ok(same(on, f43 ? y43 : y23), `${size}²: on ran F(${f43 ? 4 : 2}×${f43 ? 4 : 2}, 3×3)`);
      tf.dispose([x, w]);
    }
  } finally {
    setWinogradMode(prev);
  }
});
