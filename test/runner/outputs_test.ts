import assert from "node:assert/strict";
import { collapseCarriageReturns, OutputBook } from "../../runner/outputs.ts";
import type { Output } from "../../runner/notebook.ts";

Deno.test("collapseCarriageReturns: keeps each line's last state, and a trailing \\r for the next chunk", () => {
  assert.equal(collapseCarriageReturns("10%\r50%\r100%\ndone\n"), "100%\ndone\n");
  assert.equal(collapseCarriageReturns("a\r\nb"), "a\nb", "\\r\\n is a newline");
  assert.equal(collapseCarriageReturns("50%\r"), "50%\r");
  assert.equal(collapseCarriageReturns("plain"), "plain");
});

Deno.test("OutputBook: consecutive stream chunks merge per stream; progress lines overwrite", () => {
  const book = new OutputBook();
  const outs: Output[] = [];
  book.apply(outs, "stream", { name: "stdout", text: "epoch 1\n0%\r" });
  book.apply(outs, "stream", { name: "stdout", text: "100%\n" });
  book.apply(outs, "stream", { name: "stderr", text: "warn\n" });
  book.apply(outs, "stream", { name: "stdout", text: "after\n" });
  assert.deepEqual(outs, [
    { output_type: "stream", name: "stdout", text: "epoch 1\n100%\n" },
    { output_type: "stream", name: "stderr", text: "warn\n" },
    { output_type: "stream", name: "stdout", text: "after\n" },
  ]);
});

Deno.test("OutputBook: update_display_data and a repeated display_id rewrite earlier outputs in any cell", () => {
  const book = new OutputBook();
  const a: Output[] = [], b: Output[] = [];
  const t = { transient: { display_id: "p" }, metadata: {} };
  book.apply(a, "display_data", { data: { "text/plain": "0%" }, ...t });
  const u = book.apply(b, "update_display_data", { data: { "text/plain": "60%" }, ...t });
  assert.equal(u.updated, true);
  assert.deepEqual(b, [], "an update adds nothing where it is sent");
  assert.deepEqual(a, [{ output_type: "display_data", data: { "text/plain": "60%" }, metadata: {} }]);
  book.apply(b, "display_data", { data: { "text/plain": "100%" }, ...t });
  assert.deepEqual([a, b].map((o) => (o[0] as { data: Record<string, unknown> }).data["text/plain"]), [
    "100%",
    "100%",
  ]);
  assert.equal("transient" in a[0], false, "transient is not stored (nbformat forbids it)");
  assert.deepEqual(book.apply(a, "update_display_data", { data: {}, transient: { display_id: "unknown" } }), {
    updated: false,
  });
});

Deno.test("OutputBook: clear_output clears now, or (wait) before the next output", () => {
  const book = new OutputBook();
  const outs: Output[] = [];
  book.apply(outs, "stream", { name: "stdout", text: "x\n" });
  book.apply(outs, "clear_output", { wait: true });
  assert.equal(outs.length, 1);
  book.apply(outs, "execute_result", { data: { "text/plain": "2" }, metadata: {}, execution_count: 3 });
  assert.deepEqual(outs, [{
    output_type: "execute_result",
    data: { "text/plain": "2" },
    metadata: {},
    execution_count: 3,
  }]);
  book.apply(outs, "clear_output", { wait: false });
  assert.deepEqual(outs, []);
  book.apply(outs, "error", { ename: "E", evalue: "v", traceback: ["t"] });
  assert.deepEqual(outs, [{ output_type: "error", ename: "E", evalue: "v", traceback: ["t"] }]);
});
