/**
 * seglab's `Exp` on `wasm` (`simd/emit_exp.ts`) against float64 `Math.exp` rounded to float32:
 * within 2 units in the last place over float32's range (subnormal results within 2·2⁻¹⁴⁹), with
 * NaN, ±∞, overflow and underflow as float32 has them, odd lengths (the tail) included (it measures
 * 1 ulp at worst); no tensor leaks.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";

/** The spacing of float32 values at |v| (2⁻¹⁴⁹ for subnormals). */
function ulp(v: number): number {
  const a = Math.abs(v);
  if (a < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(a)) - 23);
}

Deno.test("Exp on wasm is within 2 ulp of exp over float32's range, with float32's edge cases", async () => {
  await ready("wasm", { quiet: true });
  const xs: number[] = [];
  for (let v = -110; v <= 92; v += 0.0137) xs.push(v);
  for (let k = 0; k < 20000; k++) xs.push((Math.sin(k * 12.9898) * 43758.5453 % 1) * 10);
  xs.push(0, -0, 1, -1, 88.72, 88.73, -87.33, -103.9, -104, -200, 1e-30, -1e-30);
  const x = tf.tensor1d(xs), before = tf.memory().numTensors;
  const y = tf.exp(x);
  const got = y.dataSync();
  let worst = 0;
  xs.forEach((v, i) => {
    const want = Math.fround(Math.exp(Math.fround(v)));
    if (!Number.isFinite(want)) return assert.equal(got[i], want, `exp(${v})`);
    worst = Math.max(worst, Math.abs(got[i] - want) / ulp(want));
  });
  assert.ok(worst <= 2, `worst error ${worst} ulp`);
  const special = tf.tidy(() => tf.exp(tf.tensor1d([NaN, Infinity, -Infinity, 100, -120])).dataSync());
  assert.ok(Number.isNaN(special[0]));
  assert.deepEqual(Array.from(special.slice(1)), [Infinity, 0, Infinity, 0]);
  assert.equal(tf.memory().numTensors, before + 1);
  tf.dispose([x, y]);
});
