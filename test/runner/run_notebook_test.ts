/**
 * End to end: `runNotebook` driving real kernels over ZeroMQ — Deno's built-in kernel (always
 * here: the npm `deno` package) and Debian's ipykernel (Jupyter-dependent) — through
 * parameters, failing cells, a killed kernel, timeouts with and without a working interrupt,
 * display updates, and bad input caught before any kernel starts.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { EXIT, runNotebook, RunUsageError } from "../../runner/mod.ts";
import type { RunEvent } from "../../runner/events.ts";
import type { CodeCell, Notebook } from "../../runner/notebook.ts";
import { parseParameterArg } from "../../runner/parameters.ts";
import { jupyterTest } from "../support/jupyter.ts";
import { ipykernelMissing, validateNotebooks } from "../support/notebook_validation.ts";
import {
  kernelDirs,
  notebook,
  readJson,
  streamText,
  tempDir,
  writeKernelSpec,
  writeNotebook,
} from "./_support.ts";

const kernels = kernelDirs();
const search = { dataDirs: kernels.dataDirs };
const work = tempDir();
/** Every output notebook written here, validated against the nbformat schema at the end. */
const written: string[] = [];
const opts = { log: false as const, kernelSearch: search };
const E2E = { sanitizeOps: false, sanitizeResources: false };

function code(nb: Notebook, i: number): CodeCell {
  const c = nb.cells[i];
  assert.equal(c.cell_type, "code", `cell ${i} is ${c.cell_type}`);
  return c as CodeCell;
}
const tagged = (nb: Notebook, tag: string) =>
  nb.cells.findIndex((c) => (c.metadata.tags ?? []).includes(tag));
const status = (c: CodeCell) => (c.metadata.seglab as { status: string }).status;

Deno.test({
  ...E2E,
  name: "runNotebook: parameters are injected after the parameters cell, typed as YAML reads them",
  async fn() {
    const input = writeNotebook(
      work,
      "params.ipynb",
      notebook([
        ["markdown", "# Parameters"],
        ["code", 'const n = 3; // iterations\nconst name = "x";\nlet flags = [0];', ["parameters"]],
        ["code", "console.log(JSON.stringify({ n, tn: typeof n, name, tname: typeof name, flags, extra }));"],
      ]),
    );
    const events: RunEvent[] = [];
    const params = Object.fromEntries(
      ["n=7", "name=abc", "flags=[1, 2]", "extra=true"].map((a) => parseParameterArg(a)),
    );
    const r = await runNotebook(input, { ...opts, parameters: params, log: (e) => events.push(e) });
    written.push(r.output);
    assert.equal(r.exitCode, EXIT.ok, r.message);
    assert.equal(r.output, path.join(work, "params.out.ipynb"));
    const nb = readJson(r.output);
    const p = tagged(nb, "parameters"), inj = tagged(nb, "injected-parameters");
    assert.equal(inj, p + 1, "the injected cell follows the parameters cell");
    const src = [code(nb, inj).source].flat().join("");
    assert.match(src, /^const n = 7;$/m, "a const default is re-declared as const (Deno's kernel needs it)");
    assert.match(src, /^const name = "abc";$/m);
    assert.match(src, /^let flags = \[1, 2\];$/m);
    assert.match(src, /^let extra = true;$/m, "an undeclared name is still injected, with let");
    assert.equal(
      streamText(nb, inj + 1).trim(),
      JSON.stringify({ n: 7, tn: "number", name: "abc", tname: "string", flags: [1, 2], extra: true }),
    );
    const warnings = events.filter((e) => e.type === "warning").map((e) =>
      (e as { message: string }).message
    );
    assert.ok(
      warnings.some((w) => /"extra" is not declared in the parameters cell/.test(w)),
      warnings.join("\n"),
    );
    assert.deepEqual(
      nb.metadata.seglab && (nb.metadata.seglab as { parameters: unknown }).parameters,
      params,
    );
    // nbformat 4.5: unique ids; per-cell status and timing.
    assert.equal(nb.nbformat_minor, 5);
    assert.equal(new Set(nb.cells.map((c) => c.id)).size, nb.cells.length);
    for (const i of [p, inj, inj + 1]) {
      const c = code(nb, i);
      assert.equal(status(c), "completed");
      assert.ok(typeof (c.metadata.seglab as { duration: number }).duration === "number");
      assert.ok((c.metadata.execution as Record<string, string>)["shell.execute_reply"]);
      assert.ok(c.execution_count! >= 1);
    }
    // Re-running the output notebook replaces the injected cell instead of adding a second one.
    const again = await runNotebook(r.output, {
      ...opts,
      out: path.join(work, "params2.ipynb"),
      parameters: { n: 9, extra: false },
    });
    written.push(again.output);
    assert.equal(again.exitCode, EXIT.ok, again.message);
    const nb2 = readJson(again.output);
    assert.equal(nb2.cells.filter((c) => (c.metadata.tags ?? []).includes("injected-parameters")).length, 1);
    assert.match(streamText(nb2, tagged(nb2, "injected-parameters") + 1), /"n":9/);
  },
});

Deno.test({
  ...E2E,
  name: "runNotebook: a failing cell exits 1 and still writes the output notebook, with error markers",
  async fn() {
    const input = writeNotebook(
      work,
      "fails.ipynb",
      notebook([
        ["code", "console.log('before');"],
        ["code", "throw new Error('boom at cell 2');"],
        ["code", "console.log('never');"],
      ]),
    );
    const r = await runNotebook(input, { ...opts, out: path.join(work, "out", "fails.ipynb") });
    written.push(r.output);
    assert.equal(r.exitCode, EXIT.cellError);
    assert.equal(r.status, "failed");
    assert.ok(fs.existsSync(r.output));
    const nb = readJson(r.output);
    // Banner at the top, anchor right before the failing cell.
    assert.deepEqual(nb.cells[0].metadata.tags, ["seglab-error-cell"]);
    assert.match([nb.cells[0].source].flat().join(""), /exception was raised in cell 2/);
    const failing = nb.cells.findIndex((c) => c.cell_type === "code" && status(c as CodeCell) === "failed");
    assert.deepEqual(nb.cells[failing - 1].metadata.tags, ["seglab-error-cell"]);
    const err = code(nb, failing).outputs.find((o) => o.output_type === "error");
    assert.ok(err && err.output_type === "error" && /boom at cell 2/.test(err.evalue));
    const last = code(nb, nb.cells.length - 1);
    assert.equal(status(last), "pending");
    assert.deepEqual(last.outputs, []);
    assert.equal((nb.metadata.seglab as { status: string }).status, "failed");
    assert.deepEqual(r.cells.map((c) => c.status), ["completed", "failed", "pending"]);
    assert.equal(r.cells[1].index, failing, "reported indices point into the written notebook");

    // With allowErrors the error is recorded, the run goes on, and exits 0.
    const r2 = await runNotebook(input, {
      ...opts,
      out: path.join(work, "out", "fails-allowed.ipynb"),
      allowErrors: true,
    });
    written.push(r2.output);
    assert.equal(r2.exitCode, EXIT.ok);
    const nb2 = readJson(r2.output);
    assert.equal(tagged(nb2, "seglab-error-cell"), -1, "no markers when errors are allowed");
    assert.match(streamText(nb2, 2), /never/);
    assert.deepEqual(r2.cells.map((c) => c.status), ["completed", "failed", "completed"]);
  },
});

Deno.test({
  ...E2E,
  name: "runNotebook: a killed kernel exits 3 and the notebook says so",
  async fn() {
    const input = writeNotebook(
      work,
      "dies.ipynb",
      notebook([["code", "let x = 1;"], ["code", 'Deno.kill(Deno.pid, "SIGKILL");'], ["code", "x"]]),
    );
    const r = await runNotebook(input, opts);
    written.push(r.output);
    assert.equal(r.exitCode, EXIT.kernelDied);
    assert.equal(r.status, "kernel_died");
    const nb = readJson(r.output);
    assert.match([nb.cells[0].source].flat().join(""), /kernel died while running cell 2/);
    const dead = code(nb, 3); // banner, cell 1, anchor, cell 2
    const err = dead.outputs.find((o) => o.output_type === "error");
    assert.ok(err && err.output_type === "error");
    assert.equal(err.ename, "DeadKernelError");
    assert.match(err.evalue, /SIGKILL/);
    assert.equal(status(code(nb, 4)), "pending");
  },
});

Deno.test({
  ...E2E,
  name: "runNotebook: a timeout interrupts the cell (state kept), the run goes on with allowErrors, exit 4",
  async fn() {
    const input = writeNotebook(
      work,
      "busy.ipynb",
      notebook([["code", "let kept = 41;"], ["code", "while (true) {}"], [
        "code",
        "console.log('kept', kept + 1);",
      ]]),
    );
    const t0 = performance.now();
    const r = await runNotebook(input, { ...opts, timeout: 1, allowErrors: true, interruptGrace: 8 });
    written.push(r.output);
    assert.equal(r.exitCode, EXIT.timeout);
    assert.equal(r.status, "timed_out");
    const nb = readJson(r.output);
    const busy = nb.cells.findIndex((c) => c.cell_type === "code" && status(c as CodeCell) === "timed_out");
    assert.ok(busy > 0);
    const errs = code(nb, busy).outputs.filter((o) => o.output_type === "error");
    assert.ok(
      errs.some((e) =>
        e.output_type === "error" && e.ename === "CellTimeoutError" && /interrupted/.test(e.evalue)
      ),
    );
    assert.match(
      streamText(nb, nb.cells.length - 1),
      /kept 42/,
      "the interrupt kept the kernel and its state",
    );
    assert.ok(performance.now() - t0 < 8000, "interrupted well before the grace time");
  },
});

Deno.test({
  ...E2E,
  name: "runNotebook: when the interrupt does not end the cell, the kernel is killed; still exit 4",
  async fn() {
    // Deno's kernel does not answer interrupt_request while a cell awaits a timer.
    const input = writeNotebook(
      work,
      "stuck.ipynb",
      notebook([["code", "await new Promise((r) => setTimeout(r, 60_000));"], ["code", "1"]]),
    );
    const r = await runNotebook(input, { ...opts, timeout: 1, interruptGrace: 1 });
    written.push(r.output);
    assert.equal(r.exitCode, EXIT.timeout);
    assert.match(r.message ?? "", /kernel was killed/);
    const nb = readJson(r.output);
    assert.match([nb.cells[0].source].flat().join(""), /timed out in cell 1/);
  },
});

Deno.test({
  ...E2E,
  name: "runNotebook: display updates fold into the original output, in whichever cell it is",
  async fn() {
    const show = (text: string, type: string) =>
      `await Deno.jupyter.broadcast("${type}", { data: { "text/plain": "${text}" }, metadata: {}, transient: { display_id: "bar" } });`;
    const input = writeNotebook(
      work,
      "display.ipynb",
      notebook([
        ["code", show("0%", "display_data")],
        ["code", [show("50%", "update_display_data"), show("100%", "update_display_data")].join("\n")],
      ]),
    );
    const r = await runNotebook(input, opts);
    written.push(r.output);
    assert.equal(r.exitCode, EXIT.ok, r.message);
    const nb = readJson(r.output);
    const outs = code(nb, 0).outputs;
    assert.equal(outs.length, 1);
    assert.deepEqual(
      outs[0].output_type === "display_data" && [outs[0].data["text/plain"]].flat().join(""),
      "100%",
    );
    assert.deepEqual(code(nb, 1).outputs, [], "updates add no output of their own");
  },
});

Deno.test({
  ...E2E,
  name: "runNotebook: bad input is refused before any kernel starts (exit 2), saying what and how",
  async fn() {
    const events: RunEvent[] = [];
    const log = (e: RunEvent) => events.push(e);
    const refuse = async (input: string, o: Parameters<typeof runNotebook>[1], re: RegExp) => {
      await assert.rejects(() => runNotebook(input, { ...opts, log, ...o }), (e: unknown) => {
        assert.ok(e instanceof RunUsageError, String(e));
        assert.equal(e.exitCode, 2);
        assert.match(e.message, re);
        return true;
      });
    };
    const ok = writeNotebook(work, "ok.ipynb", notebook([["code", "1", ["parameters"]]]));
    await refuse(
      writeNotebook(work, "broken.ipynb", '{"cells": [\n  {"cell_type": "code",,}]}'),
      {},
      /is not JSON: .*line 2/,
    );
    await refuse(
      writeNotebook(work, "v3.ipynb", '{"nbformat": 3, "worksheets": []}'),
      {},
      /is nbformat 3, not nbformat 4/,
    );
    await refuse(
      writeNotebook(work, "plain.ipynb", '{"a": 1}'),
      {},
      /not a Jupyter notebook: it has no "nbformat"/,
    );
    await refuse(path.join(work, "missing.ipynb"), {}, /cannot read .*no such file/);
    await refuse(
      ok,
      { kernel: "no-such-kernel" },
      /no kernelspec named "no-such-kernel"[\s\S]*deno-test \(Deno \(test\)[\s\S]*seglab/,
    );
    fs.writeFileSync(path.join(work, "a-file"), "");
    await refuse(ok, { out: path.join(work, "a-file", "out.ipynb") }, /cannot be written/);
    await refuse(ok, { out: ok }, /is the input notebook; pass --inplace/);
    await refuse(ok, { out: work + "/" + "ok.ipynb" }, /is the input notebook/);
    writeKernelSpec(kernels.dir, "fake-r", { argv: ["false"], display_name: "R", language: "R" });
    await refuse(
      ok,
      { kernel: "fake-r", parameters: { n: 1 } },
      /cannot inject parameters into a "R" notebook/,
    );
    await refuse(ok, { parameters: { "not a name": 1 } }, /not a valid typescript identifier/);
    await refuse(ok, { cwd: path.join(work, "nowhere") }, /working directory .* does not exist/);
    assert.deepEqual(
      events.filter((e) => e.type === "start" || e.type === "kernel-ready"),
      [],
      "no kernel was started",
    );
  },
});

Deno.test({
  ...E2E,
  name: "runNotebook: a kernel that cannot start or exits at start-up gives exit 3 and a written notebook",
  async fn() {
    writeKernelSpec(kernels.dir, "no-binary", {
      argv: ["/nonexistent/kernel", "{connection_file}"],
      language: "typescript",
    });
    writeKernelSpec(kernels.dir, "crashes", {
      argv: ["sh", "-c", "echo 'kernel exploded' >&2; exit 7", "{connection_file}"],
      language: "typescript",
    });
    const input = writeNotebook(work, "start.ipynb", notebook([["code", "1"]]));
    const a = await runNotebook(input, { ...opts, kernel: "no-binary", out: path.join(work, "nb1.ipynb") });
    written.push(a.output);
    assert.equal(a.exitCode, EXIT.kernelDied);
    assert.match(a.message ?? "", /\/nonexistent\/kernel: no such program/);
    const b = await runNotebook(input, { ...opts, kernel: "crashes", out: path.join(work, "nb2.ipynb") });
    written.push(b.output);
    assert.equal(b.exitCode, EXIT.kernelDied);
    assert.match(b.message ?? "", /exited while starting \(exit code 7\)/);
    assert.match([readJson(b.output).cells[0].source].flat().join(""), /kernel exploded/);
  },
});

jupyterTest(
  "runNotebook on ipykernel: parameters as Python, an interrupt that fails kills the kernel (exit 4)",
  async () => {
    const missing = ipykernelMissing();
    if (missing) throw new Error(missing);
    const input = writeNotebook(
      work,
      "py.ipynb",
      notebook(
        [
          ["code", "n = 3\nname = 'x'", ["parameters"]],
          ["code", "print(repr(n), repr(name), repr(flags))"],
          [
            "code",
            "import signal, time\nsignal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])\ntime.sleep(60)",
          ],
        ],
        "python3",
        "python",
      ),
    );
    const params = Object.fromEntries(
      ["n=7", "name=abc", "flags=[true, null, 1.5]"].map((a) => parseParameterArg(a)),
    );
    const r = await runNotebook(input, { ...opts, parameters: params, timeout: 3, interruptGrace: 2 });
    written.push(r.output);
    assert.equal(r.exitCode, EXIT.timeout, r.message);
    const nb = readJson(r.output);
    const i = tagged(nb, "injected-parameters");
    assert.equal(
      [code(nb, i).source].flat().join("").split("\n").slice(1, 4).join("\n"),
      'n = 7\nname = "abc"\nflags = [True, None, 1.5]',
    );
    assert.equal(streamText(nb, i + 1).trim(), "7 'abc' [True, None, 1.5]");
    assert.match(r.message ?? "", /kernel was killed/);
  },
);

Deno.test({
  ...E2E,
  name:
    "runNotebook on this checkout's seglab kernel: parameters, a busy loop interrupted on timeout (exit 4)",
  async fn() {
    const input = writeNotebook(
      work,
      "seglab.ipynb",
      notebook(
        [
          ["code", "const n = 3;\nlet label = 'x';", ["parameters"]],
          ["code", "let kept = n * 10 + 1;"],
          ["code", "while (true) {}", ["timeout=2"]],
          ["code", "console.log(label, typeof n, kept + 1);"],
        ],
        "seglab",
      ),
    );
    const r = await runNotebook(input, { ...opts, parameters: { n: 4, label: "y" }, allowErrors: true });
    written.push(r.output);
    assert.equal(r.exitCode, EXIT.timeout, r.message);
    assert.equal(r.kernel.name, "seglab");
    const nb = readJson(r.output);
    assert.deepEqual(r.cells.map((c) => c.status), [
      "completed",
      "completed",
      "completed",
      "timed_out",
      "completed",
    ]);
    assert.equal(
      streamText(nb, nb.cells.length - 1).trim(),
      "y number 42",
      "the cell tag timeout=2 interrupted the loop; state kept",
    );
  },
});

Deno.test({
  ...E2E,
  name: "runNotebook: the output notebook is autosaved while a long cell runs, with its output so far",
  async fn() {
    const input = writeNotebook(
      work,
      "long.ipynb",
      notebook([[
        "code",
        "console.log('epoch 1 done');\nawait new Promise((r) => setTimeout(r, 2500));\nconsole.log('epoch 2 done');",
      ]]),
    );
    const out = path.join(work, "long-out.ipynb");
    const run = runNotebook(input, { ...opts, out, autosaveSeconds: 0.2 });
    let seen: Notebook | undefined;
    for (let i = 0; i < 60 && !seen; i++) {
      await new Promise((r) => setTimeout(r, 100));
      try {
        const nb = readJson(out);
        if (streamText(nb, 0).includes("epoch 1")) seen = nb;
      } catch { /* not written yet */ }
    }
    const r = await run;
    written.push(r.output);
    assert.ok(seen, "no autosave with the first output appeared while the cell ran");
    assert.equal(status(code(seen, 0)), "running");
    assert.equal((seen.metadata.seglab as { status: string }).status, "running");
    assert.doesNotMatch(streamText(seen, 0), /epoch 2/);
    assert.match(streamText(readJson(out), 0), /epoch 1 done\nepoch 2 done/);
  },
});

jupyterTest("every output notebook validates against the nbformat 4.5 schema (python3-nbformat)", () => {
  assert.ok(written.length >= 8, `only ${written.length} notebooks were written`);
  const problems = validateNotebooks(written);
  assert.deepEqual(problems, {}, Object.entries(problems).map(([f, e]) => `${f}: ${e}`).join("\n"));
  for (const f of written) assert.equal(readJson(f).nbformat_minor, 5);
  return Promise.resolve();
});
