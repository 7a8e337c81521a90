/**
 * Under Node, from the built library (dist/): the SIMD convolution kernels start their helper
 * threads with `node:worker_threads` and give the `cpu` backend's gradients.
 */
import assert from "node:assert/strict";
import { freshDist } from "../../../support/dist.ts";

const ROOT = new URL("../../../../", import.meta.url).pathname;

const SCRIPT = `
import { ready, tf } from "${ROOT}dist/lib/mod.js";
import { splitThreads } from "${ROOT}dist/lib/backend/wasm/simd/helper_threads.js";
await ready("wasm", { quiet: true });
const threads = splitThreads(tf.backend());
const x0 = tf.randomNormal([4, 32, 32, 16], 0, 1, "float32", 1), w0 = tf.randomNormal([3, 3, 16, 32], 0, 1, "float32", 2);
const xs = x0.arraySync(), ws = w0.arraySync();
const run = () => {
  const x = tf.tensor(xs), w = tf.tensor(ws);
  const a = tf.grads((x, w) => tf.conv2d(x, w, 1, "same").square().mean())([x, w]);
  const b = tf.grads((x, w) => tf.conv2d(x, w, 2, "valid").relu().sum())([x, w]);
  return [...a, ...b].map((t) => Array.from(t.dataSync()));
};
const wasm = run();
await tf.setBackend("cpu");
const cpu = run();
const err = wasm.map((v, i) => {
  let d = 0, n = 0;
  v.forEach((e, k) => { d = Math.max(d, Math.abs(e - cpu[i][k])); n = Math.max(n, Math.abs(cpu[i][k])); });
  return d / n;
});
console.log(JSON.stringify({ threads, err }));
process.exit(0);
`;

Deno.test("Node (dist/): the SIMD convolution gradients run on helper threads and match the cpu backend", async () => {
  await freshDist();
  const dir = await Deno.makeTempDir({ prefix: "seglab-node-threads-" });
  try {
    await Deno.writeTextFile(`${dir}/check.mjs`, SCRIPT);
    const out = await new Deno.Command("node", {
      args: [`${dir}/check.mjs`],
      env: { SEGLAB_WASM_THREADS: "2" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(out.stdout);
    assert.ok(out.success, text + new TextDecoder().decode(out.stderr));
    const { threads, err } = JSON.parse(text.trim().split("\n").pop()!);
    assert.equal(threads, 2, "two threads asked for, two used");
    assert.equal(err.length, 4);
    for (const e of err) assert.ok(e < 1e-5, `relative error ${e} against cpu`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
