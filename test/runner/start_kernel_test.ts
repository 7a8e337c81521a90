/**
 * A kernel whose port another socket took between the runner's pick and the kernel's bind exits
 * with "Address already in use"; the runner starts it again with new ports (and says so), up to
 * three tries, and reports the failure as before when every try fails.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT, runNotebook } from "../../runner/mod.ts";
import { portWasTaken, START_TRIES } from "../../runner/start_kernel.ts";
import { freePorts } from "../../runner/client/spawn.ts";
import { notebook, readJson, streamText, tempDir, writeKernelSpec, writeNotebook } from "./_support.ts";

/** A kernelspec that fails like a taken port `fails` times (counted in a file), then runs Deno's kernel. */
function flakyKernel(dir: string, fails: number): string {
  const count = path.join(dir, "starts");
  const script = `n=$(cat "$COUNT" 2>/dev/null || echo 0); echo $((n + 1)) > "$COUNT"
if [ "$n" -lt ${fails} ]; then echo "cannot bind the control socket to tcp://127.0.0.1:9: Address already in use" >&2; exit 1; fi
exec "$DENO" jupyter --kernel --conn "$0"`;
  writeKernelSpec(dir, "flaky-port", {
    argv: ["bash", "-c", script, "{connection_file}"],
    display_name: "Deno (a port taken at first)",
    language: "typescript",
    interrupt_mode: "message",
    env: { NO_COLOR: "1", COUNT: count, DENO: Deno.execPath() },
  });
  return count;
}

const E2E = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  ...E2E,
  name: "runNotebook: a kernel that lost a port to another socket is started again with new ports",
  async fn() {
    const dir = tempDir();
    try {
      const count = flakyKernel(dir, 2);
      const input = writeNotebook(dir, "nb.ipynb", notebook([["code", 'console.log("ran")']], "flaky-port"));
      const r = await runNotebook(input, { log: false, kernelSearch: { dataDirs: [dir] } });
      assert.equal(r.exitCode, EXIT.ok, r.message);
      assert.equal(fs.readFileSync(count, "utf8").trim(), "3", "two failed starts, then one that ran");
      assert.match(streamText(readJson(r.output), 0), /ran/);
      assert.equal(r.warnings.filter((w) => /starting it again with new ports/.test(w)).length, 2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test({
  ...E2E,
  name: `runNotebook: after ${START_TRIES} starts that each lost a port, the kernel is reported dead`,
  async fn() {
    const dir = tempDir();
    try {
      const count = flakyKernel(dir, START_TRIES);
      const input = writeNotebook(dir, "nb.ipynb", notebook([["code", "1"]], "flaky-port"));
      const r = await runNotebook(input, { log: false, kernelSearch: { dataDirs: [dir] } });
      assert.equal(r.exitCode, EXIT.kernelDied);
      assert.match(r.message ?? "", /exited while starting/);
      assert.equal(fs.readFileSync(count, "utf8").trim(), String(START_TRIES));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});

Deno.test("portWasTaken reads the bind failures of seglab's kernel and of libzmq", () => {
  assert.ok(
    portWasTaken("seglab kernel: cannot start: cannot bind … tcp://127.0.0.1:46033: Address already in use"),
  );
  assert.ok(portWasTaken("zmq.error.ZMQError: Address already in use (addr='tcp://127.0.0.1:5555')"));
  assert.ok(portWasTaken("Error: listen EADDRINUSE: address already in use 127.0.0.1:9"));
  assert.ok(!portWasTaken("SyntaxError: Unexpected token"));
});

Deno.test("ports handed out for one kernel are not handed out for another started meanwhile", async () => {
  const [a, b] = await Promise.all([freePorts(5), freePorts(5)]);
  assert.equal(new Set([...a, ...b]).size, 10);
});
