import assert from "node:assert/strict";
import { NotebookError, parseNotebook, serializeNotebook, splitLines } from "../../runner/notebook.ts";

const valid = (cells: unknown[], extra: Record<string, unknown> = {}) =>
  JSON.stringify({ nbformat: 4, nbformat_minor: 2, metadata: {}, cells, ...extra });

Deno.test("parseNotebook: not JSON says so, with the line and column", () => {
  assert.throws(() => parseNotebook('{\n  "cells": [,]\n}', "x.ipynb"), (e: Error) => {
    assert.ok(e instanceof NotebookError);
    assert.match(e.message, /^x\.ipynb is not JSON: .* at line 2, column \d+/);
    return true;
  });
  assert.throws(
    () => parseNotebook("<<<<<<< HEAD\n{}", "m.ipynb"),
    /m\.ipynb is not JSON: Unexpected token '<' at line 1, column 1 \(near "<<<<<<< HEAD"\)/,
  );
  assert.throws(() => parseNotebook('{"cells": [', "t.ipynb"), /the text ends too early/);
});

Deno.test("parseNotebook: JSON that is not nbformat 4 says which version, or that it is no notebook", () => {
  assert.throws(
    () => parseNotebook('{"nbformat": 3, "worksheets": []}', "old.ipynb"),
    /old\.ipynb is nbformat 3, not nbformat 4.*nbconvert --to notebook --nbformat 4/,
  );
  assert.throws(
    () => parseNotebook('{"nbformat": 5, "cells": []}', "new.ipynb"),
    /new\.ipynb is nbformat 5, not nbformat 4/,
  );
  assert.throws(() => parseNotebook("[1, 2]", "list.ipynb"), /is JSON but not a notebook/);
  assert.throws(() => parseNotebook('{"cells": []}', "c.ipynb"), /has no "nbformat" field/);
  assert.throws(() => parseNotebook('{"nbformat": 4}', "n.ipynb"), /"cells" is missing/);
  assert.throws(
    () => parseNotebook(valid([{ cell_type: "widget", source: "" }]), "w.ipynb"),
    /cell 1 has cell_type "widget"/,
  );
  assert.throws(
    () => parseNotebook(valid([{ cell_type: "code", source: 3 }]), "s.ipynb"),
    /cell 1's "source" must be/,
  );
});

Deno.test("parseNotebook: upgrades to 4.5 with unique cell ids, keeps valid ids, fills code cell fields", () => {
  const nb = parseNotebook(valid([
    { cell_type: "code", id: "keep-me", source: ["a\n", "b"], metadata: {} },
    { cell_type: "code", id: "keep-me", source: "dup id" },
    { cell_type: "markdown", id: "bad id!", source: "# t", outputs: [] },
  ]));
  assert.equal(nb.nbformat_minor, 5);
  assert.equal(nb.cells[0].id, "keep-me");
  assert.notEqual(nb.cells[1].id, "keep-me");
  assert.match(nb.cells[2].id, /^[a-zA-Z0-9-_]{1,64}$/);
  assert.deepEqual([
    nb.cells[1].cell_type === "code" && nb.cells[1].outputs,
    nb.cells[1].cell_type === "code" && nb.cells[1].execution_count,
  ], [[], null]);
  assert.equal("outputs" in nb.cells[2], false, "markdown cells carry no outputs");
  assert.equal(parseNotebook("\ufeff" + valid([])).cells.length, 0, "a BOM is tolerated");
});

Deno.test("serializeNotebook: Jupyter's layout — sorted keys, one-space indent, lines as lists", () => {
  const nb = parseNotebook(valid([{
    cell_type: "code",
    id: "c1",
    source: "x = 1\ny = 2",
    metadata: {},
    execution_count: 1,
    outputs: [
      { output_type: "stream", name: "stdout", text: "a\nb\n" },
      {
        output_type: "display_data",
        data: { "text/plain": "p\nq", "application/json": { k: 1 } },
        metadata: {},
      },
    ],
  }]));
  const text = serializeNotebook(nb);
  assert.ok(text.endsWith("}\n"));
  const back = JSON.parse(text);
  assert.deepEqual(Object.keys(back), ["cells", "metadata", "nbformat", "nbformat_minor"]);
  assert.deepEqual(back.cells[0].source, ["x = 1\n", "y = 2"]);
  assert.deepEqual(back.cells[0].outputs[0].text, ["a\n", "b\n"]);
  assert.deepEqual(back.cells[0].outputs[1].data["text/plain"], ["p\n", "q"]);
  assert.deepEqual(back.cells[0].outputs[1].data["application/json"], { k: 1 }, "JSON MIME types stay JSON");
  assert.ok(text.startsWith('{\n "cells": [\n  {\n   "cell_type": "code",'), text.slice(0, 60));
  assert.deepEqual(parseNotebook(text).cells[0].source, ["x = 1\n", "y = 2"]);
});

Deno.test("splitLines keeps newlines, like nbformat", () => {
  assert.deepEqual(splitLines(""), []);
  assert.deepEqual(splitLines("a"), ["a"]);
  assert.deepEqual(splitLines("a\n\nb\n"), ["a\n", "\n", "b\n"]);
});
