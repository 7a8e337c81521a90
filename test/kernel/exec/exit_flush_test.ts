import assert from "node:assert/strict";
import { installTestKernel, jupyterTest, outputText, runDriver } from "../../support/jupyter.ts";

jupyterTest("kernel: output printed right before Deno.exit / process.exit reaches the client", async () => {
  const kernel = await installTestKernel();
  try {
    for (const exit of ["Deno.exit(2)", "(await import('node:process')).default.exit(3)"]) {
      const { results, alive } = await runDriver({
        kernel,
        steps: [
          { op: "execute", code: "'up'" },
          {
            op: "execute",
            code: `console.log("last words");\nconsole.error("and an error line");\n${exit}`,
            timeout: 4,
          },
          { op: "sleep", seconds: 0.5 },
          { op: "alive" },
        ],
      });
      const outs = results[1].outputs ?? [];
      const text = outs.map((o) => outputText(o as unknown as Record<string, unknown>)).join("");
      assert.match(text, /last words/, `${exit}: ${JSON.stringify(outs)}`);
      assert.match(text, /and an error line/);
      assert.match(text, /exited the process \(exit code [23]\)/);
      assert.equal(results[3].alive, false, "the kernel process ended");
      assert.equal(alive, false);
    }
  } finally {
    await kernel.remove();
  }
});

jupyterTest(
  "kernel: the running cell's signal is aborted by an interrupt, a new cell gets a fresh one",
  async () => {
    const kernel = await installTestKernel();
    try {
      const { results, alive } = await runDriver({
        kernel,
        steps: [
          {
            op: "execute",
            code: 'import { cellSignal } from "seglab/kernel";\n' +
              "globalThis.sig = cellSignal();\n" +
              "globalThis.sig.addEventListener('abort', () => { globalThis.why = String(globalThis.sig.reason?.name); });\n" +
              "await new Promise((r) => setTimeout(r, 20000));",
            interrupt_after: 1.5,
            timeout: 20,
          },
          {
            op: "execute",
            code:
              "[globalThis.sig.aborted, globalThis.why, cellSignal()?.aborted, cellSignal() === globalThis.sig]",
          },
        ],
      });
      assert.equal(results[0].reply?.status, "error");
      assert.equal(
        outputText(results[1].outputs!.find((o) => o.msg_type === "execute_result") as never),
        '[ true, "InterruptError", false, false ]',
      );
      assert.ok(alive);
    } finally {
      await kernel.remove();
    }
  },
);
