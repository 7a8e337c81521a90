/**
 * `launchKernel`, the client the benchmarks and tests drive kernels with: start from a kernelspec,
 * execute, collect the request's iopub up to idle, stop.
 */
import assert from "node:assert/strict";
import { launchKernel } from "../../../runner/client/launch.ts";
import { seglabKernelSpec } from "../../../runner/client/seglab_kernelspec.ts";

Deno.test("launchKernel: executes on this checkout's kernel, collects outputs to idle, stops the process", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "seglab-launch-" });
  const k = await launchKernel(seglabKernelSpec(), { cwd, output: "null" });
  try {
    const ex = await k.execute("6 * 7", { timeoutMs: 30_000 });
    assert.equal(ex.reply.content.status, "ok");
    const result = ex.outputs.find((m) => m.header.msg_type === "execute_result");
    assert.equal((result?.content as { data: Record<string, string> }).data["text/plain"], "42");
    assert.deepEqual(
      ex.iopub.map((m) =>
        m.header.msg_type === "status" ? String(m.content.execution_state) : m.header.msg_type
      ),
      ["busy", "execute_input", "execute_result", "idle"],
    );
    const err = await k.execute("throw new Error('boom')", { timeoutMs: 30_000 });
    assert.equal(err.reply.content.status, "error");
    assert.ok(err.outputs.some((m) => m.header.msg_type === "error"));
  } finally {
    const exit = await k.stop(3000);
    assert.ok(k.process.exit, "the kernel process has ended");
    assert.ok(exit.code !== null || exit.signal !== null);
    await Deno.remove(cwd, { recursive: true });
  }
});
