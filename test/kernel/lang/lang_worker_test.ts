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

jupyterTest(
  "kernel: inspect inside call arguments, type-name string completions, keywords that fit",
  async () => {
    const kernel = await installTestKernel();
    const I = 'import { createLoss } from "seglab";\nimport { createDataset } from "seglab/datasets";\n';
    try {
      const { results } = await runDriver({
        kernel,
        cwd: new URL("../../../notebooks", import.meta.url).pathname,
        steps: [
          { op: "kernel_info" },
          { op: "inspect", code: `${I}createLoss(`, timeout: 120 },
          {
            op: "inspect",
            code: `${I}createLoss({ type: "CrossEntropyLoss" }, )`,
            cursor_pos: I.length + 41,
          },
          { op: "complete", code: `${I}createLoss({ type: "Lov` },
          { op: "complete", code: `${I}createLoss({ type: "MixedLoss", losses: [{ type: "Cr` },
          { op: "complete", code: `${I}createDataset({ type: "Dataset", transforms: [{ type: "RandomH` },
          { op: "complete", code: `${I}createLoss(` },
          { op: "complete", code: `${I}a` },
          { op: "is_complete", code: "1 +* 2)" },
        ],
      });
      const [info, inCall, secondArg, lov, nested, transform, args, stmt, invalid] = results;
      const lang = (info.reply as { language_info: Record<string, unknown> }).language_info;
      assert.equal(lang.name, "typescript");
      assert.equal(lang.file_extension, ".ts");
      assert.deepEqual(lang.codemirror_mode, {
        name: "application/typescript",
        mime: "application/typescript",
        typescript: true,
      });
      for (const r of [inCall, secondArg]) {
        assert.equal(r.reply?.found, true, JSON.stringify(r.reply));
        assert.match(
          String(r.reply?.data?.["text/plain"]),
          /^createLoss\(spec: LossSpec \| Loss, path\?: string\): Loss/,
        );
        assert.match(String(r.reply?.data?.["text/plain"]), /Builds a loss/);
      }
      assert.deepEqual(lov.reply?.matches, ["LovaszHingeLoss", "LovaszSoftmaxLoss"]);
      assert.deepEqual(nested.reply?.matches, ["CrossEntropyLoss"]);
      assert.deepEqual(transform.reply?.matches, ["RandomHorizontalFlip"]);
      const inArgs = args.reply?.matches ?? [];
      assert.ok(inArgs.includes("createLoss") && inArgs.includes("new"), JSON.stringify(inArgs.slice(0, 20)));
      for (const k of ["abstract", "asserts", "interface", "const"]) {
        assert.ok(
          !inArgs.includes(k),
          `${k} offered in arguments`,
        );
      }
      const atStart = stmt.reply?.matches ?? [];
      assert.ok(atStart.includes("abstract") && !atStart.includes("asserts"), JSON.stringify(atStart));
      assert.equal(invalid.reply?.status, "invalid");
    } finally {
      await kernel.remove();
    }
  },
);
