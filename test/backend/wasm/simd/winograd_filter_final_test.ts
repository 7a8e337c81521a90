/**
 * The Winograd weight gradient's last step on the helper threads (`winograd_final2`,
 * `winograd_final4`): the partial sums added in item order and `Gᵀ M G` in float64 equal the
 * JavaScript it replaced to the bit, for one to three partial sums and output channels that do not
 * fill the last 8-channel block.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../../lib/mod.ts";
import { f32, release, type WasmBackend } from "../../../../lib/backend/wasm/heap.ts";
import { winogradFilterFinal } from "../../../../lib/backend/wasm/simd/winograd_filter_final.ts";
import { referenceFinal } from "./_winograd_filter_reference.ts";

const CASES: [number, number, number][] = [[4, 4, 1], [12, 20, 2], [32, 16, 3], [8, 36, 2]];

for (const m of [2, 4] as const) {
  for (const [ci, co, items] of CASES) {
    Deno.test(`F(${m}×${m}, 3×3) weight-gradient final transform equals the reference to the bit: ${ci}→${co}, ${items} parts`, async () => {
      await ready("wasm", { quiet: true });
      const backend = tf.backend() as unknown as WasmBackend;
      const cop = Math.ceil(co / 8) * 8, n = items * (m + 2) ** 2 * ci * cop;
      const parts = tf.randomNormal([n], 0, 1, "float32", 40 + ci + items);
      const values = parts.dataSync() as Float32Array;
      const at = backend.dataIdMap.get(parts.dataId)!.memoryOffset;
      const before = tf.memory().numTensors;
      const out = winogradFilterFinal(backend, at, m, items, ci, co, cop);
      const got = f32(backend, out).slice();
      release(backend, out);
      assert.equal(tf.memory().numTensors, before);
      const want = referenceFinal(values, m, items, ci, co, cop);
      assert.deepEqual(got, want);
      assert.ok(want.some((v) => v !== 0));
      parts.dispose();
    });
  }
}
