/**
 * The Winograd filter transform's SIMD kernels (`winograd_filter2`, `winograd_filter4`) on the helper
 * threads equal the float64 JavaScript transform they replaced to the bit, for the forward filter
 * and the input gradient's flipped, channel-swapped one, with output channels past the last
 * 8-channel block zero and each plane padded; no tensor leaks.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../../lib/mod.ts";
import type { WasmBackend } from "../../../../lib/backend/wasm/heap.ts";
import { f32, release } from "../../../../lib/backend/wasm/heap.ts";
import {
  type FilterLayout,
  flippedLayout,
  hwioLayout,
  transformFilter,
} from "../../../../lib/backend/wasm/simd/winograd_filter.ts";
import { splitThreads } from "../../../../lib/backend/wasm/simd/helper_threads.ts";
import { randTensor } from "../../_compare.ts";
import { PAD } from "../../../../lib/backend/wasm/simd/emit_conv2d_winograd.ts";
import { referenceFilter2, referenceFilter4 } from "./_winograd_filter_reference.ts";

/** The flat index a layout gives element `(i, j, c, o)`. */
const indexOf = (l: FilterLayout) => (i: number, j: number, c: number, o: number) =>
  l.tap0 + i * l.ti + j * l.tj + c * l.sc + o * l.so;

/** The planes of a padded `U` (each followed by `PAD` bytes), without the padding. */
function unpad(u: Float32Array, planes: number, plane: number): Float32Array {
  assert.equal(u.length, planes * (plane + PAD / 4));
  const out = new Float32Array(planes * plane);
  for (let q = 0; q < planes; q++) {
    out.set(u.subarray(q * (plane + PAD / 4), q * (plane + PAD / 4) + plane), q * plane);
  }
  return out;
}

const SHAPES: [number, number][] = [[4, 4], [12, 20], [16, 32], [36, 12]];

for (const m of [2, 4] as const) {
  for (const [ci, co] of SHAPES) {
    Deno.test(`F(${m}×${m}, 3×3) filter transform equals the float64 reference to the bit: ${ci}→${co}`, async () => {
      await ready("wasm", { quiet: true });
      const backend = tf.backend() as unknown as WasmBackend;
      const w = randTensor([3, 3, ci, co], 31 + ci + co);
      const values = w.dataSync() as Float32Array;
      const before = tf.memory().numTensors;
      // forward: the filter as it is (pack ci→co); input gradient: flipped, channels swapped (co→ci)
      for (
        const [pi, po, layout] of [[ci, co, hwioLayout(ci, co)], [co, ci, flippedLayout(ci, co)]] as const
      ) {
        const u = transformFilter(
          backend,
          pi,
          po,
          { dataId: w.dataId, shape: w.shape, dtype: "float32" },
          layout,
          m,
        );
        const padded = f32(backend, u).slice(), plane = Math.ceil(po / 8) * pi * 8;
        const got = unpad(padded, (m + 2) ** 2, plane);
        release(backend, u);
        const want = (m === 2 ? referenceFilter2 : referenceFilter4)(values, pi, po, indexOf(layout));
        assert.equal(got.length, want.length);
        assert.deepEqual(got, want);
        assert.ok(want.some((v) => v !== 0));
      }
      assert.equal(tf.memory().numTensors, before);
      assert.ok(splitThreads(backend) >= 1);
      w.dispose();
    });
  }
}
