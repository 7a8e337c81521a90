import assert from "node:assert/strict";
import { backendReport, ready, tf } from "../../lib/mod.ts";

Deno.test("ready() picks a backend, reports it in one line, and honours an explicit name", async () => {
  const name = await ready(undefined, { quiet: true });
  assert.ok(["wasm", "cpu"].includes(name), name);
  assert.equal(tf.getBackend(), name);
  assert.match(backendReport(), new RegExp(`^seglab: backend ${name}`));
  assert.equal(await ready("cpu", { quiet: true }), "cpu");
  assert.equal(tf.getBackend(), "cpu");
});

Deno.test("ready() refuses an unknown backend and lists the valid ones", async () => {
  await assert.rejects(() => ready("tpu"), /unknown backend "tpu".*wasm.*cpu/);
});
