/**
 * An interrupted cell waits for the work it holds (`holdInterrupt`, what `train`, `evaluate` and
 * `predict` call): that work's stopping output belongs to the cell; a second interrupt ends the
 * cell at once; a cell that holds nothing ends at the first interrupt, as before.
 */
import assert from "node:assert/strict";
import {
  installTestKernel,
  jupyterTest,
  outputText,
  runDriver,
  type StepResult,
} from "../../support/jupyter.ts";

function text(r: StepResult): string {
  return (r.outputs ?? []).map((o) => outputText(o as unknown as Record<string, unknown>)).join("\n");
}

const API = `const k = (globalThis as any)[Symbol.for("seglab.kernel")];\n`;

jupyterTest(
  "kernel: an interrupted cell waits for the work it holds; a second interrupt ends it at once",
  async () => {
    const kernel = await installTestKernel();
    try {
      const { results, alive } = await runDriver({
        kernel,
        steps: [
          // Work that stops 1.5 s after the cell's signal is aborted (as train finishes its iteration and saves),
          // held through seglab/kernel's public holdInterrupt.
          {
            op: "execute",
            code: `import { cellSignal, holdInterrupt } from "seglab/kernel";
const work = new Promise((resolve) => cellSignal()!.addEventListener("abort", () =>
  setTimeout(() => { console.log("work: stopped and saved"); resolve(1); }, 1500)));
holdInterrupt(work);
await new Promise(() => {});`,
            interrupt_after: 1,
            timeout: 20,
          },
          { op: "execute", code: `"next cell"`, timeout: 10 },
          // Work that never stops: the second interrupt ends the cell.
          {
            op: "execute",
            code: API + `k.holdInterrupt(new Promise(() => {}));\nawait new Promise(() => {});`,
            interrupt_after: 1,
            interrupt_again_after: 1,
            timeout: 20,
          },
          // A call that blocks the main thread (a long step): after 3 s the kernel says what will happen.
          {
            op: "execute",
            code: `Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5000);\n"unblocked"`,
            interrupt_after: 1,
            timeout: 20,
          },
          // Nothing held: the first interrupt ends the cell.
          { op: "execute", code: `await new Promise(() => {});`, interrupt_after: 1, timeout: 20 },
        ],
      });
      const [held, next, stuck, blocked, plain] = results;
      assert.equal(held.reply?.status, "error");
      assert.equal(held.reply?.ename, "InterruptError");
      assert.match(
        text(held),
        /work: stopped and saved/,
        "the stopping work's output is the interrupted cell's",
      );
      assert.ok(held.ms >= 2300, `the cell waited for its work (${held.ms} ms)`);
      assert.doesNotMatch(text(next), /stopped and saved/);
      assert.equal(stuck.reply?.ename, "InterruptError", "a second interrupt ends the cell");
      assert.ok(stuck.idle, "the cell ended");
      assert.match(
        text(blocked),
        /has not reached an interrupt check yet.*training then saves.*without saving/s,
      );
      assert.ok(blocked.idle, "the blocked cell ended");
      assert.equal(plain.reply?.ename, "InterruptError");
      assert.ok(plain.ms < 5000, `a cell that holds nothing ends at the first interrupt (${plain.ms} ms)`);
      assert.ok(alive);
    } finally {
      await kernel.remove();
    }
  },
);
