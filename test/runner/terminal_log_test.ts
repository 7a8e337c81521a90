import assert from "node:assert/strict";
import { stripAnsi } from "../../kernel/exec/output.ts";
import { terminalLog } from "../../runner/terminal_log.ts";
import type { Cell } from "../../runner/notebook.ts";

Deno.test("terminalLog: cell progress, outputs as they come, progress collapsed, errors, a final line", () => {
  let text = "";
  const log = terminalLog({ write: (t) => text += t, color: false, updateEverySeconds: 3600 });
  const cell = {
    cell_type: "code",
    id: "a",
    source: "\n  train({ iters: 40 })",
    metadata: {},
    outputs: [],
    execution_count: null,
  } as Cell;
  log({ type: "start", input: "nb.ipynb", output: "out.ipynb", kernel: "seglab", cwd: "/w", cells: 2 });
  log({ type: "cell-start", index: 3, ordinal: 1, total: 2, cell });
  log({
    type: "output",
    index: 3,
    msgType: "stream",
    content: { name: "stdout", text: "10%\r50%\r" },
    late: false,
  });
  log({
    type: "output",
    index: 3,
    msgType: "stream",
    content: { name: "stdout", text: "100%\nmIoU 0.73" },
    late: false,
  });
  const t = { transient: { display_id: "p" } };
  log({
    type: "output",
    index: 3,
    msgType: "display_data",
    content: { data: { "text/plain": "iter 1/40", "image/png": "AAAA" }, ...t },
    late: false,
  });
  log({
    type: "output",
    index: 3,
    msgType: "update_display_data",
    content: { data: { "text/plain": "iter 2/40" }, ...t },
    late: false,
  });
  log({ type: "cell-end", index: 3, status: "completed", seconds: 1.234, executionCount: 5 });
  log({
    type: "output",
    index: 3,
    msgType: "stream",
    content: { name: "stdout", text: "late line\n" },
    late: true,
  });
  log({
    type: "output",
    index: 4,
    msgType: "error",
    content: {
      ename: "Error",
      evalue: "boom",
      traceback: ["\u001b[31mError: boom\u001b[0m", "    at <cell>:1:7"],
    },
    late: false,
  });
  log({
    type: "cell-end",
    index: 4,
    status: "failed",
    seconds: 0.5,
    executionCount: 6,
    error: { ename: "Error", evalue: "boom" },
  });
  log({
    type: "end",
    exitCode: 1,
    status: "failed",
    seconds: 3,
    output: "out.ipynb",
    message: "cell 5: Error: boom",
  });
  const lines = text.split("\n");
  assert.ok(lines.includes("[1/2] cell 4  train({ iters: 40 })"), text);
  assert.ok(lines.includes("  │ 100%"), "carriage-return progress shows its last state");
  assert.ok(!text.includes("50%"));
  assert.ok(lines.includes("  │ mIoU 0.73"), "an unfinished line is flushed when the cell ends");
  assert.ok(lines.includes("  │ iter 1/40"));
  assert.ok(lines.some((l) => /^ {2}│ \[image\/png 4 B\]$/.test(l)));
  assert.ok(!text.includes("iter 2/40"), "updates are throttled");
  assert.ok(lines.includes("  ✓ cell 4 In [5] 1.23 s"));
  assert.ok(lines.includes("  │ (late, cell 4) late line"));
  assert.ok(lines.includes("  │ Error: boom") && lines.includes("  │     at <cell>:1:7"));
  assert.ok(lines.includes("  ✗ cell 5 In [6] failed after 0.50 s: Error: boom"));
  assert.equal(lines.at(-2), "seglab nb: failed (exit 1): cell 5: Error: boom; wrote out.ipynb");
  assert.equal(stripAnsi(text), text, "no colour codes when colour is off");
});
