/**
 * The first phase of a run on its own: `prepareRun` checks the inputs and injects the parameters
 * without starting a kernel or writing a file.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { RunUsageError } from "../../runner/exit_codes.ts";
import { cellSource, cellTags } from "../../runner/notebook.ts";
import { prepareRun } from "../../runner/prepare.ts";
import { kernelDirs, notebook, tempDir, writeNotebook } from "./_support.ts";

Deno.test("prepareRun: parameters injected after the parameters cell, paths resolved, nothing written", async () => {
  const kernels = kernelDirs();
  const dir = tempDir();
  const input = writeNotebook(
    dir,
    "p.ipynb",
    notebook([["code", "let iters = 10;", ["parameters"]], ["code", "console.log(iters);"]]),
  );
  const warnings: string[] = [];
  const plan = await prepareRun(input, {
    parameters: { iters: 3, extra: "x" },
    kernelSearch: { dataDirs: kernels.dataDirs },
    html: true,
  }, (m) => warnings.push(m));
  assert.equal(plan.spec.name, "deno-test");
  assert.equal(plan.language, "typescript");
  assert.equal(plan.injectedIndex, 1);
  assert.deepEqual(cellTags(plan.nb.cells[1]), ["injected-parameters"]);
  assert.match(cellSource(plan.nb.cells[1]), /let iters = 3;/);
  assert.equal(warnings.length, 1, "the undeclared `extra` is injected with a warning");
  assert.match(warnings[0], /extra/);
  assert.equal(plan.output, path.join(dir, "p.out.ipynb"));
  assert.equal(plan.htmlPath, path.join(dir, "p.out.html"));
  assert.equal(plan.cwd, dir);
  assert.deepEqual(fs.readdirSync(dir).sort(), ["p.ipynb"], "preparing writes nothing");
});

Deno.test("prepareRun: a notebook without a kernel name, or an unknown kernel, is refused (exit 2)", async () => {
  const dir = tempDir();
  const nb = notebook([["code", "1"]]);
  delete (nb.metadata as { kernelspec?: unknown }).kernelspec;
  const input = writeNotebook(dir, "k.ipynb", nb);
  await assert.rejects(() => prepareRun(input, {}, () => {}), (e: unknown) => {
    assert.ok(e instanceof RunUsageError);
    assert.match(e.message, /names no kernel .*--kernel <name>/);
    return true;
  });
  await assert.rejects(
    () => prepareRun(input, { kernel: "no-such-kernel", kernelSearch: { dataDirs: [dir] } }, () => {}),
    /no kernelspec named "no-such-kernel"/,
  );
});
