/**
 * The executor in-process, both ways a cell runs: as a script (cells without module semantics)
 * and as a module (static imports, `import.meta`, …, or every cell with `cellMode: "module"`).
 * Both ways must give the same results, the same persistence of top-level bindings and the
 * same error positions.
 */
import assert from "node:assert/strict";
import type { MainToIo } from "../../../kernel/bridge.ts";
import { Executor } from "../../../kernel/exec/executor.ts";
import { makeMessage } from "../../../kernel/protocol/message.ts";

interface Ran {
  status: string;
  result?: string;
  error?: { ename: string; evalue: string; traceback: string[] };
  way: "script" | "module";
}

function session(cellMode: "auto" | "module") {
  const posts: MainToIo[] = [];
  const ex = new Executor({
    post: (m) => posts.push(...(m.t === "batch" ? m.messages : [m])),
    lang: () => {},
    flag: new Int32Array(new SharedArrayBuffer(4)),
    check: false,
    log: () => {},
    cwd: Deno.cwd(),
    cancelTimers: () => 0,
    cellMode,
  });
  let n = 0;
  return async (code: string): Promise<Ran> => {
    posts.length = 0;
    const before = { ...ex.ran };
    await ex.execute(`r${++n}`, makeMessage("execute_request", { code }, { session: "test" }));
    const iopub = posts.filter((p): p is Extract<MainToIo, { t: "iopub" }> => p.t === "iopub");
    const reply = posts.find((p) => p.t === "reply") as Extract<MainToIo, { t: "reply" }>;
    const result = iopub.find((p) => p.msgType === "execute_result")?.content as
      | { data: Record<string, string> }
      | undefined;
    const error = iopub.find((p) => p.msgType === "error")?.content as Ran["error"];
    return {
      status: String(reply.content.status),
      result: result?.data["text/plain"],
      error,
      way: ex.ran.script > before.script ? "script" : "module",
    };
  };
}

for (const mode of ["auto", "module"] as const) {
  Deno.test(`executor (${mode}): bindings persist, results, top-level await, error positions`, async () => {
    const run = session(mode);
    const script = mode === "auto" ? "script" : "module";

    const first = await run(
      "const a: number = 2;\nfunction f(x: number): never {\n  throw new Error(`boom ${x}`);\n}\na * 21",
    );
    assert.deepEqual([first.status, first.result, first.way], ["ok", "42", script]);
    const b = await run("let b = a + 1;\nb");
    assert.deepEqual([b.result, b.way], ["3", script]);
    const assign = await run("b = b * 10;\nb satisfies number");
    assert.equal(assign.result, "30");
    assert.equal((await run("b")).result, "30");
    assert.equal((await run("b += 1, b * 2")).result, "62", "a comma expression's value is its last operand");
    assert.equal((await run("b")).result, "31");
    // A one-line expression (the fast rewrite): same result, same way; a broken one is reported
    // as any syntax error is, at its cell position.
    assert.deepEqual(Object.values(await run(" b * 2 + (b % 7)")), ["ok", "65", undefined, script]);
    const broken = await run("b * (2 +)");
    assert.equal(broken.error?.ename, "SyntaxError");
    assert.match(broken.error!.evalue, /^Expression expected\. \(In\[\d+\]:1:9\)$/);
    assert.equal(
      (await run("b.missing.x")).error?.evalue,
      "Cannot read properties of undefined (reading 'x')",
    );
    assert.equal((await run("await Promise.resolve(5)")).result, "5");
    assert.equal(
      (await run("const p = await new Promise((r) => setTimeout(() => r(7), 5));\np")).result,
      "7",
    );
    assert.equal((await run("this")).result, undefined, "top-level this is undefined, as in a module");
    assert.equal((await run("[typeof arguments, typeof require]")).result, '[ "undefined", "undefined" ]');

    const err = await run("const c = 1;\n\nf(a + c);");
    assert.equal(err.status, "error");
    assert.equal(err.way, script);
    assert.equal(err.error!.evalue, "boom 3");
    const tb = err.error!.traceback.join("\n");
    assert.match(tb, /at f \(In\[1\]:3:9\)/, tb);
    assert.match(tb, /at In\[\d+\]:3:1/, tb);
    assert.doesNotMatch(tb, /seglab-cell|kernel\/exec\/[a-z]+\.ts|<anonymous>/, tb);

    const redeclared = await run("const a = 10;\nclass K { v = a }\nnew K().v");
    assert.deepEqual([redeclared.result, redeclared.way], ["10", script]);

    // A top-level `var` stays the cell's, as in a module.
    await run("var hidden = 1;");
    assert.equal((await run("typeof globalThis.hidden === 'number' && hidden")).result, "1");

    // Loops are guarded and still run.
    assert.equal(
      (await run("let s = 0;\nfor (let i = 0; i < 5; i++) s += i;\nwhile (s < 100) s *= 2;\ns")).result,
      "160",
    );
  });

  Deno.test(`executor (${mode}): cells that need a module still run as one`, async () => {
    const run = session(mode);
    const imp = await run('import { basename } from "node:path";\nbasename("/a/b.txt")');
    assert.deepEqual([imp.result, imp.way], ['"b.txt"', "module"]);
    const reuse = await run("basename('/x/y')");
    assert.equal(reuse.result, '"y"');
    const meta = await run("typeof import.meta.url");
    assert.deepEqual([meta.result, meta.way], ['"string"', "module"]);
    const dyn = await run('(await import("node:path")).extname("a.ts")');
    assert.deepEqual([dyn.result, dyn.way], ['".ts"', "module"]);
    // TypeScript that cannot be blanked out in place: the module way transpiles it.
    const en = await run("enum Color { Red, Green }\nColor.Green");
    assert.deepEqual([en.result, en.way], ["1", "module"]);
    const pp = await run("class P { constructor(public x: number) {} }\nnew P(4).x");
    assert.deepEqual([pp.result, pp.way], ["4", "module"]);
    assert.equal((await run("Color.Red + new P(1).x")).result, "1");
    // An early error V8 finds (the TypeScript parser does not) is reported as the module way does.
    const early = await run("let q = 1;\nlet q = 2;");
    assert.equal(early.status, "error");
    assert.equal(early.error!.ename, "SyntaxError");
    assert.match(early.error!.evalue, /q/);
    assert.equal(early.way, "module");
    assert.equal((await run("'alive'")).result, '"alive"');
  });
}

Deno.test("executor: a count given by the I/O worker is used, and execute_input is left to it", async () => {
  const posts: MainToIo[] = [];
  const ex = new Executor({
    post: (m) => posts.push(...(m.t === "batch" ? m.messages : [m])),
    lang: () => {},
    flag: new Int32Array(new SharedArrayBuffer(4)),
    check: false,
    log: () => {},
    cwd: Deno.cwd(),
    cancelTimers: () => 0,
  });
  await ex.execute("r1", makeMessage("execute_request", { code: "6 * 7" }, { session: "t" }), 41);
  const types = posts.map((p) => p.t === "iopub" ? p.msgType : p.t);
  // The cell goes to the language worker (through the I/O worker) ahead of the reply, so a
  // completion asked for after the reply sees it.
  assert.deepEqual(types, ["execute_result", "lang", "reply", "done"]);
  const result = posts[0] as Extract<MainToIo, { t: "iopub" }>;
  assert.equal(result.content.execution_count, 41);
  const lang = posts[1] as Extract<MainToIo, { t: "lang" }>;
  assert.deepEqual({ t: lang.m.t, code: (lang.m as { code?: string }).code }, {
    t: "executed",
    code: "6 * 7",
  });
  assert.equal((posts[2] as Extract<MainToIo, { t: "reply" }>).content.execution_count, 41);
  posts.length = 0;
  await ex.execute("r2", makeMessage("execute_request", { code: "1" }, { session: "t" }));
  assert.deepEqual(posts.map((p) => p.t === "iopub" ? p.msgType : p.t), [
    "execute_input",
    "execute_result",
    "lang",
    "reply",
    "done",
  ]);
  assert.equal((posts[0] as Extract<MainToIo, { t: "iopub" }>).content.execution_count, 42);
});
