/** XNNPACK threads for the wasm backend under Node/Deno (seglab starts the threaded build itself). */
import assert from "node:assert/strict";
import os from "node:os";
import { backendInfo, ready, tf } from "../../../lib/mod.ts";
import { randTensor } from "../_compare.ts";
import { assertAllClose } from "../../support/assert_close.ts";

Deno.test("wasm runs XNNPACK on threads (default: the logical cores, at most 8) and says so", async () => {
  await ready("wasm", { quiet: true });
  const want = Math.max(1, Math.min(8, os.cpus().length));
  assert.match(backendInfo()!.detail, new RegExp(`^SIMD, ${want} threads?, seglab training kernels: \\d+$`));
  await assert.rejects(() => ready("wasm", { threads: -2 }), /threads must be a whole number ≥ 0 \(got -2\)/);
});

Deno.test("threaded XNNPACK convolutions give the same results as the cpu backend", async () => {
  const run = async (b: string) => {
    await ready(b, { quiet: true });
    const x = randTensor<tf.Rank.R4>([4, 32, 32, 16], 601), w = randTensor<tf.Rank.R4>([3, 3, 16, 32], 602);
    const y = tf.conv2d(x, w, 1, "same");
    const out = Float32Array.from(y.dataSync());
    tf.dispose([x, w, y]);
    return out;
  };
  const want = await run("cpu");
  assertAllClose(await run("wasm"), want, 1e-4, 1e-5, "conv2d");
});
