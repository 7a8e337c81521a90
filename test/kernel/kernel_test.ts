/**
 * The seglab kernel driven by Debian's jupyter_client (a real Jupyter client): kernel_info,
 * results, streams, errors at cell positions, re-declaration, imports, interrupts, async errors,
 * late output, progress displays, stdin, history and refused messages.
 */
import assert from "node:assert/strict";
import {
  installTestKernel,
  jupyterTest,
  notebook,
  runDriver,
  runNotebook,
  type StepResult,
} from "../support/jupyter.ts";
import { lostOutputs, mixedNotebook } from "../support/notebooks.ts";

function plain(r: StepResult, type = "execute_result"): string | undefined {
  const o = r.outputs?.find((m) => m.msg_type === type);
  return o?.content.data?.["text/plain"] as string | undefined;
}

function streams(r: StepResult, name?: string): string {
  return (r.outputs ?? []).filter((m) => m.msg_type === "stream" && (!name || m.content.name === name))
    .map((m) => m.content.text).join("");
}

function error(r: StepResult) {
  return r.outputs?.find((m) => m.msg_type === "error")?.content;
}

jupyterTest(
  "kernel: a session through jupyter_client (results, errors, imports, interrupt, async errors)",
  async () => {
    const kernel = await installTestKernel();
    const cwd = await Deno.makeTempDir({ prefix: "seglab-kernel-cwd-" });
    await Deno.writeTextFile(`${cwd}/helper.ts`, "export const helper = (n: number): number => n * 3;\n");
    try {
      const steps = [
        { op: "kernel_info" },
        { op: "execute", code: "1 + 1" },
        { op: "execute", code: "console.log('hi', { a: 1 });\nconsole.error('oops');\n6 * 7" },
        { op: "execute", code: "const a = 1;\nfunction inner() {\n  throw new Error('boom');\n}\ninner();" },
        { op: "execute", code: "const x = 1;\nclass K { v = 1 }\nx" },
        { op: "execute", code: "const x = 2;\nclass K { v = 2 }\n[x, new K().v]" },
        { op: "execute", code: "let counter = 0;\nfunction inc() { return ++counter; }" },
        { op: "execute", code: "inc(); inc();\ncounter" },
        {
          op: "execute",
          code:
            'import { createLoss } from "seglab";\nimport { helper } from "./helper.ts";\nimport { parse } from "npm:yaml@2.9.1";\n[typeof createLoss, helper(2), parse("a: 1").a]',
        },
        { op: "execute", code: "const y = ;" },
        { op: "execute", code: "'alive after a syntax error'" },
        {
          op: "execute",
          code:
            "setTimeout(() => { throw new Error('late in a timer'); }, 20);\nawait new Promise((r) => setTimeout(r, 3000));\n'unreached'",
        },
        { op: "execute", code: "await new Promise((r) => setTimeout(r, 20));\n'next cell runs'" },
        { op: "execute", code: "setTimeout(() => console.log('from the earlier cell'), 150);\n'A'" },
        { op: "execute", code: "await new Promise((r) => setTimeout(r, 400));\n'B'" },
        {
          op: "execute",
          code: "let spins = 0;\nwhile (true) { spins++; }",
          interrupt_after: 1.0,
          timeout: 20,
        },
        { op: "execute", code: "[spins > 0, counter]" },
        {
          op: "execute",
          code:
            "import { Progress } from 'seglab';\nconst p = new Progress({ total: 3, label: 'train', minIntervalMs: 0 });\nfor (let i = 0; i < 3; i++) p.tick();\np.done();\n'trained'",
        },
        { op: "execute", code: "prompt('name?', 'anon')", allow_stdin: true, input: "ada" },
        { op: "execute", code: "prompt('name?', 'anon')" },
        { op: "history", n: 2 },
        { op: "raw_shell", frames_hex: ["3c4944537c4d53473e", "00", "7b7d", "7b7d", "7b7d", "7b7d"] },
        { op: "execute", code: "'still answering'" },
        {
          op: "execute",
          code:
            'import { registerCommTarget } from "seglab/kernel";\nregisterCommTarget("echo", (comm, data) => {\n  comm.onMessage((d) => comm.send({ again: d }));\n  comm.send({ got: data });\n});',
        },
        { op: "comm_open", target_name: "echo", data: { x: 1 }, comm_id: "c-echo" },
        { op: "comm_info" },
        { op: "comm_open", target_name: "nobody", data: {}, comm_id: "c-none" },
        {
          op: "execute",
          code: 'import { display, plot, Plot } from "seglab";\n' +
            'const fig = plot({ marks: [Plot.dot([{ x: 1, y: 2 }], { x: "x", y: "y" })] });\n' +
            'display(fig);\nconsole.log("after display");\nfig',
        },
      ];
      const { results, alive, stderr } = await runDriver({ kernel, steps, cwd });
      const [
        info,
        r1,
        r2,
        rErr,
        rx1,
        rx2,
        ,
        rInc,
        rImp,
        rSyn,
        rAlive,
        rTimer,
        rNext,
        rA,
        rB,
        rInt,
        rAfter,
        rProg,
        rPrompt,
        rNoStdin,
        rHist,
        ,
        rRaw,
        rReg,
        rOpen,
        rCommInfo,
        rNobody,
        rFig,
      ] = results;
      assert.equal(info.reply?.implementation, "seglab");
      assert.equal(info.reply?.protocol_version, "5.3");
      assert.equal((info.reply?.language_info as { name: string }).name, "typescript");

      assert.equal(plain(r1), "2");
      assert.equal(r1.reply?.status, "ok");
      assert.equal(streams(r2, "stdout"), "hi { a: 1 }\n");
      assert.equal(streams(r2, "stderr"), "oops\n");
      assert.equal(plain(r2), "42");
      assert.ok(!plain(r2)!.includes("\u001b["), "no ANSI codes");

      const e = error(rErr)!;
      assert.equal(rErr.reply?.status, "error");
      assert.equal(e.ename, "Error");
      assert.equal(e.evalue, "boom");
      const tb = e.traceback!.join("\n");
      assert.match(tb, /at inner \(In\[3\]:3:9\)/, tb);
      assert.match(tb, /In\[3\]:5:1/, tb);
      assert.ok(tb.includes("> 3 |   throw new Error('boom');"), tb);
      assert.doesNotMatch(tb, /seglab-cell|kernel\/exec/, tb);

      assert.equal(plain(rx1), "1");
      assert.equal(plain(rx2), "[ 2, 2 ]");
      assert.equal(plain(rInc), "2");
      assert.equal(rImp.reply?.status, "ok", JSON.stringify(rImp.outputs));
      assert.equal(plain(rImp), '[ "function", 6, 1 ]');

      assert.equal(error(rSyn)?.ename, "SyntaxError");
      assert.match(error(rSyn)!.traceback!.join("\n"), /In\[9\]:1:11/);
      assert.equal(plain(rAlive), '"alive after a syntax error"');

      assert.equal(rTimer.reply?.status, "error");
      assert.equal(error(rTimer)?.evalue, "late in a timer");
      assert.match(error(rTimer)!.traceback!.join("\n"), /In\[11\]:1:26/);
      assert.ok(rTimer.ms < 2500, `the failing timer ended its cell at once (took ${rTimer.ms} ms)`);
      assert.equal(plain(rNext), '"next cell runs"');

      assert.equal(plain(rA), '"A"');
      assert.equal(streams(rA), "");
      assert.equal(streams(rB), "[from In[13], after it finished] from the earlier cell\n");

      assert.equal(rInt.reply?.status, "error");
      assert.equal(error(rInt)?.ename, "InterruptError");
      assert.match(error(rInt)!.traceback!.join("\n"), /In\[15\]:2:/);
      assert.equal(plain(rAfter), "[ true, 2 ]");

      const displays = rProg.outputs!.filter((m) =>
        m.msg_type === "display_data" || m.msg_type === "update_display_data"
      );
      assert.equal(displays[0].msg_type, "display_data");
      assert.ok(displays.length >= 2);
      const id = displays[0].content.transient?.display_id;
      assert.ok(id);
      for (const d of displays.slice(1)) {
        assert.equal(d.msg_type, "update_display_data");
        assert.equal(d.content.transient?.display_id, id);
      }
      assert.match(String(displays.at(-1)!.content.data!["text/plain"]), /train 100% .* 3\/3/);
      assert.equal(plain(rProg), '"trained"');

      assert.equal(rPrompt.input_request?.prompt, "name? [anon] ");
      assert.equal(plain(rPrompt), '"ada"');
      assert.equal(plain(rNoStdin), '"anon"');

      const hist = rHist.reply?.history as Array<[number, number, string]>;
      assert.deepEqual(hist.map((h) => h[2]), ["prompt('name?', 'anon')", "prompt('name?', 'anon')"]);

      assert.equal(plain(rRaw), '"still answering"');
      assert.match(stderr, /refused a message on shell.*bad signature/);
      assert.equal(rReg.reply?.status, "ok", JSON.stringify(rReg.outputs));
      const echo = rOpen.outputs!.find((m) => m.msg_type === "comm_msg")!;
      assert.deepEqual(echo.content, { comm_id: "c-echo", data: { got: { x: 1 } } });
      assert.deepEqual(rCommInfo.reply?.comms, { "c-echo": { target_name: "echo" } });
      assert.equal(rNobody.outputs!.find((m) => m.msg_type === "comm_close")?.content.comm_id, "c-none");
      // An async display bundle (a figure rendered to PNG) is sent before idle, in call order.
      const figOut = rFig.outputs!.filter((m) => m.msg_type !== "execute_input");
      assert.deepEqual(figOut.map((m) => m.msg_type), ["display_data", "stream", "execute_result"]);
      for (const m of [figOut[0], figOut[2]]) {
        assert.match(String(m.content.data!["image/svg+xml"]), /^<svg[^>]*xmlns=/);
        assert.ok(String(m.content.data!["image/png"]).length > 500, "a PNG rendering");
      }
      assert.equal(figOut[1].content.text, "after display\n");
      assert.ok(alive);
      // Every request's outputs came before its idle.
      for (const r of results) {
        if (r.op === "execute") {
          assert.ok(r.idle, `${JSON.stringify(r.outputs)} ended with idle`);
        }
      }
    } finally {
      await kernel.remove();
      await Deno.remove(cwd, { recursive: true });
    }
  },
);

jupyterTest(
  "kernel: a 90-cell notebook of mixed outputs, run 3 times through nbconvert, loses no output",
  async () => {
    const kernel = await installTestKernel();
    try {
      const { cells, expected } = mixedNotebook();
      for (let run = 0; run < 3; run++) {
        const r = await runNotebook(notebook(cells, kernel.name), {
          jupyterPath: kernel.jupyterPath,
          timeout: 60,
        });
        assert.ok(r.ok, r.stderr);
        const lost = lostOutputs(r.notebook!, expected);
        assert.deepEqual(lost, [], `run ${run + 1}: cells with wrong or missing outputs: ${lost.join(", ")}`);
        assert.deepEqual(r.notebook!.cells.map((c) => c.execution_count), cells.map((_, i) => i + 1));
      }
    } finally {
      await kernel.remove();
    }
  },
);
