/**
 * Completions, inspect, is_complete and // @check through jupyter_client, from the TypeScript
 * language service over the cells run so far.
 */
import assert from "node:assert/strict";
import { installTestKernel, jupyterTest, runDriver } from "../../support/jupyter.ts";

jupyterTest("kernel: completion and inspect of a library symbol, is_complete, // @check", async () => {
  const kernel = await installTestKernel();
  try {
    const { results } = await runDriver({
      kernel,
      cwd: new URL("../../../notebooks", import.meta.url).pathname,
      steps: [
        {
          op: "execute",
          code: 'import { createLoss, tf } from "seglab";\nconst word = "abc";\nconst nums = [1, 2, 3];',
        },
        { op: "complete", code: "createL", timeout: 120 },
        { op: "complete", code: "word.toUpp" },
        { op: "complete", code: "nums.fla" },
        { op: "inspect", code: "createLoss", cursor_pos: 10 },
        { op: "is_complete", code: "function f() {" },
        { op: "is_complete", code: "const x = 1;" },
        { op: "is_complete", code: "const = = 1;" },
        { op: "execute", code: "// @check\nconst n: number = word;\nn", timeout: 120 },
        { op: "execute", code: "const word = 5;\n'redeclared'" },
        { op: "complete", code: "word.toFix" },
      ],
    });
    const [, cLib, cStr, cArr, insp, inc, comp, inv, chk, , cRe] = results;
    assert.deepEqual(cLib.reply?.matches, ["createLoss"]);
    assert.equal(cLib.reply?.cursor_start, 0);
    assert.equal(cLib.reply?.cursor_end, 7);
    assert.ok(cStr.reply?.matches?.includes("toUpperCase"), JSON.stringify(cStr.reply));
    assert.equal(cStr.reply?.cursor_start, 5);
    assert.ok(cArr.reply?.matches?.includes("flat") && cArr.reply?.matches?.includes("flatMap"));
    assert.equal(insp.reply?.found, true);
    const doc = String(insp.reply?.data?.["text/plain"]);
    assert.match(doc, /function createLoss\(spec: LossSpec \| Loss, path\?: string\): Loss/);
    assert.match(doc, /Builds a loss/);
    assert.equal(inc.reply?.status, "incomplete");
    assert.equal(comp.reply?.status, "complete");
    assert.equal(inv.reply?.status, "invalid");
    assert.equal(chk.reply?.status, "error");
    const err = chk.outputs!.find((m) => m.msg_type === "error")!.content;
    assert.equal(err.ename, "TypeError");
    assert.match(
      err.traceback!.join("\n"),
      /In\[2\]:2:7 - error TS2322: Type 'string' is not assignable to type 'number'/,
    );
    // The re-declared `word` is a number for later cells.
    assert.ok(cRe.reply?.matches?.includes("toFixed"), JSON.stringify(cRe.reply));
  } finally {
    await kernel.remove();
  }
});
