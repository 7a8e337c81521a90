/**
 * seglab's wasm `Exp` (one SIMD pass, `lib/backend/wasm/simd/emit_exp.ts`) against `Math.exp`
 * rounded to float32: within 2 units in the last place across the whole float32 range of `exp`,
 * exact at the special values (±∞, NaN, ±0, the overflow and underflow edges), a tail past a
 * multiple of 4 values, and int32 input through the shipped kernel.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";

/** Units in the last place between float32 `a` and the float32 nearest to `e`. */
function ulps(a: number, e: number): number {
  const f = new Float32Array([a, Math.fround(e)]), i = new Int32Array(f.buffer);
  return Math.abs(i[0] - i[1]);
}

Deno.test("wasm Exp is within 2 ulps of Math.exp over the float32 range, special values exact", async () => {
  await ready("wasm", { quiet: true });
  const xs: number[] = [];
  for (let k = 0; k <= 200000; k++) xs.push(-104 + (88.72 + 104) * k / 200000); // dense over the range
  for (let k = 0; k < 2000; k++) xs.push((k - 1000) * 1e-6); // near 0
  const special = [
    0,
    -0,
    Infinity,
    -Infinity,
    NaN,
    88.72283,
    88.7229,
    89,
    1000,
    -87.3365,
    -103.9,
    -104,
    -105,
    -1e9,
  ];
  xs.push(...special, 1.5, -2.5, 0.25); // 3 more: a tail past a multiple of 4
  const x = tf.tensor1d(xs);
  const got = await tf.exp(x).data();
  x.dispose();
  let worst = 0, at = 0;
  for (let i = 0; i < xs.length; i++) {
    const want = Math.exp(Math.fround(xs[i]));
    if (Number.isNaN(want)) {
      assert.ok(Number.isNaN(got[i]), `exp(${xs[i]}) is NaN`);
      continue;
    }
    if (!Number.isFinite(Math.fround(want)) || Math.fround(want) === 0) {
      assert.equal(got[i], Math.fround(want), `exp(${xs[i]})`);
      continue;
    }
    const d = Math.fround(want) < 1.2e-38 ? Math.abs(got[i] - want) / 1.4e-45 : ulps(got[i], want);
    if (d > worst) [worst, at] = [d, xs[i]];
  }
  assert.ok(worst <= 2, `worst: ${worst} ulps at x = ${at}`);
});

Deno.test("wasm Exp of int32 input goes through the shipped kernel", async () => {
  await ready("wasm", { quiet: true });
  const y = tf.exp(tf.tensor1d([0, 1, 2], "int32"));
  assert.equal(y.dtype, "float32");
  const v = await y.data();
  [1, Math.E, Math.E ** 2].forEach((e, i) => assert.ok(Math.abs(v[i] - e) < 1e-5));
});
