/**
 * The I/O worker holds iopub until a client subscribes: a client that sends its first request as
 * soon as it connects (before its SUB subscription reached the kernel) still gets that request's
 * busy, execute_input, result and idle. With a plain PUB socket 2-3 starts in 12 lost messages,
 * some the idle (the client then waited forever).
 */
import assert from "node:assert/strict";
import { launchKernel } from "../../../runner/client/launch.ts";
import { seglabKernelSpec } from "../../../runner/client/seglab_kernelspec.ts";

Deno.test("io worker: a request sent at once after spawning gets all its iopub messages", async () => {
  const cwd = await Deno.makeTempDir({ prefix: "seglab-io-" });
  try {
    for (let run = 0; run < 4; run++) {
      const k = await launchKernel(seglabKernelSpec(), { cwd, waitReady: false, output: "null" });
      try {
        const ex = await k.execute("1 + 1", { timeoutMs: 15000 });
        assert.deepEqual(
          ex.iopub.map((m) =>
            m.header.msg_type === "status"
              ? (m.content as { execution_state: string }).execution_state
              : m.header.msg_type
          ),
          ["busy", "execute_input", "execute_result", "idle"],
          `run ${run + 1}`,
        );
        assert.equal(ex.reply.content.status, "ok");
        // The "starting" status, published before anyone subscribed, arrived too.
        assert.ok(
          k.unclaimed.some((m) => (m.content as { execution_state?: string }).execution_state === "starting"),
        );
      } finally {
        await k.stop(2000);
      }
    }
  } finally {
    await Deno.remove(cwd, { recursive: true });
  }
});
