/** Helper threads for seglab's SIMD kernels: they start on the shared heap and split work exactly. */
import assert from "node:assert/strict";
import { ready, tf } from "../../../../lib/mod.ts";
import type { WasmBackend } from "../../../../lib/backend/wasm/heap.ts";
import { kernelsFor } from "../../../../lib/backend/wasm/simd/fused_simd.ts";
import { runSplit, splitThreads } from "../../../../lib/backend/wasm/simd/helper_threads.ts";
import { wasmThreads } from "../../../../lib/backend/wasm/threads.ts";
import { randTensor } from "../../_compare.ts";

Deno.test("the SIMD kernels run on as many threads as XNNPACK, and a split run equals a one-thread run", async () => {
  await ready("wasm", { quiet: true });
  const backend = tf.backend() as unknown as WasmBackend;
  assert.equal(splitThreads(backend), wasmThreads());
  const x = randTensor([2, 9, 10, 6], 71), dy = randTensor([2, 9, 10, 12], 72);
  const one = tf.zeros([3, 3, 6, 12]), split = tf.zeros([3, 3, 6, 12]);
  const at = (t: tf.Tensor) => backend.dataIdMap.get(t.dataId)!.memoryOffset;
  const args = (
    out: tf.Tensor,
  ) => [at(x), at(dy), at(out), 2, 9, 10, 6, 9, 10, 12, 3, 3, 1, 1, 1, 1, 1, 1, 5];
  const tiles = 3 * 3 * 2 * 2;
  kernelsFor(backend)!.conv_filter_grad(...args(one), 0, tiles);
  runSplit(backend, "conv_filter_grad", args(split), tiles);
  assert.deepEqual(Array.from(split.dataSync()), Array.from(one.dataSync()));
  assert.ok(one.dataSync().some((v) => v !== 0));
  // Fewer items than threads: each item still runs exactly once.
  const a = tf.zeros([3, 3, 6, 12]), b = tf.zeros([3, 3, 6, 12]);
  kernelsFor(backend)!.conv_filter_grad(...args(a), 0, 1);
  runSplit(backend, "conv_filter_grad", args(b), 1);
  assert.deepEqual(Array.from(b.dataSync()), Array.from(a.dataSync()));
  assert.throws(() => runSplit(backend, "relu", [0, 0, 0], 4), /relu cannot run on helper threads/);
  tf.dispose([x, dy, one, split, a, b]);
});
