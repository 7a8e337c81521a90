import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describeKernelExit, saysOutOfMemory } from "../../runner/kernel_exit.ts";
import { EXIT, runNotebook } from "../../runner/mod.ts";
import { notebook, readJson, tempDir, writeKernelSpec, writeNotebook } from "./_support.ts";

const HOG = "const hog: number[][] = [];\nwhile (true) hog.push(new Array(1e5).fill(1.5));";

Deno.test("a Deno process that exhausts its heap dies of SIGTRAP, and its exit is named out of memory", async () => {
  const dir = tempDir();
  try {
    const file = path.join(dir, "hog.ts");
    fs.writeFileSync(file, HOG);
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--v8-flags=--max-old-space-size=48", file],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const tail = new TextDecoder().decode(out.stderr).slice(-8192);
    assert.ok(out.signal !== null || out.code !== 0);
    assert.ok(saysOutOfMemory(tail), tail.slice(-500));
    const words = describeKernelExit({ code: out.code, signal: out.signal }, tail);
    assert.match(words, /^out of memory: the JavaScript heap reached its limit \(killed by SIG\w+\)/);
    assert.doesNotMatch(describeKernelExit({ code: null, signal: "SIGTRAP" }, "something else"), /memory/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

Deno.test({
  name:
    "runNotebook: a kernel that runs out of memory is reported as such in the banner and the cell's error",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = tempDir();
    try {
      writeKernelSpec(dir, "deno-small-heap", {
        argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
        display_name: "Deno (200 MiB heap)",
        language: "typescript",
        interrupt_mode: "message",
        env: { NO_COLOR: "1", DENO_V8_FLAGS: "--max-old-space-size=200" },
      });
      const input = writeNotebook(
        dir,
        "hog.ipynb",
        notebook([["code", "1"], ["code", HOG]], "deno-small-heap"),
      );
      const r = await runNotebook(input, { log: false, kernelSearch: { dataDirs: [dir] } });
      assert.equal(r.exitCode, EXIT.kernelDied);
      const nb = readJson(r.output);
      const message = String((nb.metadata.seglab as Record<string, unknown>).message);
      assert.match(
        message,
        /^The kernel died while running this cell \(out of memory: the JavaScript heap reached its limit/,
      );
      assert.match(JSON.stringify(nb.cells[0].source), /out of memory/, "the banner says it too");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
});
