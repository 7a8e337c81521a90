import assert from "node:assert/strict";
import { loadTypeScript } from "../../../kernel/typescript.ts";
import * as nodeModule from "node:module";
import { Script } from "node:vm";
import {
  rewriteCell,
  rewriteSimpleExpression,
  SCRIPT_CLOSE,
  SCRIPT_OPEN,
} from "../../../kernel/exec/rewrite.ts";

const ts = loadTypeScript();

Deno.test("rewrite: publishes top-level names, wraps the last expression, guards loops and awaits", () => {
  const code =
    "import { a, type T } from './m.ts';\nconst { x, y: [z] } = o;\nlet n = 0;\nfunction f() { while (true) n++; }\nclass C {}\ninterface I {}\nfor (const k of ks) { await k; }\nf()";
  const r = rewriteCell(ts, code, 7);
  assert.deepEqual(r.syntaxErrors, []);
  assert.deepEqual(r.names.map((n) => `${n.kind}:${n.name}`), [
    "import:a",
    "const:x",
    "const:z",
    "let:n",
    "function:f",
    "class:C",
  ]);
  assert.ok(r.hasResult);
  assert.match(r.code, /\$__sg\.result\(f\(\)\)/);
  assert.match(r.code, /while \(true\) \{ if \(\$__sgF\[0\] !== 0\) \$__sg\.stop\(\); n\+\+; \}/);
  assert.match(r.code, /\{ if \(\$__sgF\[0\] !== 0\) \$__sg\.stop\(\); \$__sg\.ck\(await k\); \}/);
  assert.match(r.code, /import \* as \$__sgNs0 from '\.\/m\.ts';/);
  assert.doesNotMatch(r.code, /"T"/);
});

Deno.test("rewrite: positions in the rewritten module map back to the cell", () => {
  const code = "const a = 1;\nwhile (a) { g(); }\nthrow new Error('x');";
  const r = rewriteCell(ts, code, 1);
  const lines = r.code.split("\n");
  const line3 = lines.findIndex((l) => l.includes("throw new Error")) + 1;
  const col = lines[line3 - 1].indexOf("new Error") + 1;
  assert.deepEqual(r.map.toOriginalLineCol(line3, col), { line: 3, column: 7 });
  const line2 = lines.findIndex((l) => l.includes("g();")) + 1;
  assert.deepEqual(r.map.toOriginalLineCol(line2, lines[line2 - 1].indexOf("g();") + 1), {
    line: 2,
    column: 13,
  });
});

Deno.test("rewrite: syntax errors at cell positions; object literal results", () => {
  const bad = rewriteCell(ts, "const x = 1;\nconst y = ;", 1);
  assert.equal(bad.syntaxErrors[0].line, 2);
  assert.equal(bad.syntaxErrors[0].column, 11);
  const obj = rewriteCell(ts, "{ a: 1, b: 2 }", 2);
  assert.ok(obj.hasResult);
  const decl = rewriteCell(ts, "const q = 1;", 3);
  assert.ok(!decl.hasResult);
});

Deno.test("rewrite: a script form for cells that need no module, on the same positions", () => {
  const code = "const a: number = 1;\nwhile (a) { g(); }\nthrow new Error('x'); // end";
  const r = rewriteCell(ts, code, 1);
  assert.equal(r.moduleOnly, undefined);
  const s = r.script!;
  assert.ok(s.code.startsWith(SCRIPT_OPEN), s.code);
  assert.ok(s.code.endsWith(SCRIPT_CLOSE), s.code);
  assert.doesNotMatch(s.code, /export/);
  // The cell's lines stay where they were; columns of line 1 shift by the prologue alone.
  const lines = s.code.split("\n");
  assert.equal(lines.length, 4);
  assert.deepEqual(s.map.toOriginalLineCol(3, lines[2].indexOf("new Error") + 1), { line: 3, column: 7 });
  assert.deepEqual(s.map.toOriginalLineCol(1, lines[0].indexOf("a: number") + 1), { line: 1, column: 7 });
  // The script's completion value is the async function that runs the cell.
  assert.match(s.code, /^"use strict"; \(async \(\) => \{ const \$__sg = /);
});

Deno.test("rewrite: cells that need module semantics have no script form, and say why", () => {
  const reason = (code: string) => {
    const r = rewriteCell(ts, code, 1);
    assert.equal(r.script === undefined, r.moduleOnly !== undefined);
    return r.moduleOnly;
  };
  assert.match(reason("import { a } from './a.ts';\na")!, /import/);
  assert.match(reason("import type { T } from './a.ts';\n1")!, /import/);
  assert.match(reason("export const z = 1;")!, /export/);
  assert.match(reason("export {};")!, /export/);
  assert.match(reason("import.meta.url")!, /import\.meta/);
  assert.match(reason("const m = await import('./m.ts');")!, /import\(\)/);
  assert.match(reason("this")!, /this/);
  assert.match(reason("const f = () => this;\nf()")!, /this/);
  assert.match(reason("class A { [this.k] = 1 }")!, /this/);
  assert.match(reason("if (x) return;")!, /return/);
  assert.match(reason("#!/usr/bin/env deno\n1")!, /hashbang/);
  assert.match(reason("x <!-- y")!, /HTML/);
  // `this` and `return` inside functions and classes are the cell's own business.
  assert.equal(
    reason("function f() { return this; }\nclass B { v = this; m() { return this.v; } }"),
    undefined,
  );
  assert.equal(reason("const g = () => { return 1; };\nawait g()"), undefined);
  assert.equal(reason("const o = { m() { return this; } };\nfor await (const x of []) {}"), undefined);
});

Deno.test("rewrite: a simple expression's fast rewrite is the full rewrite", () => {
  for (
    const code of ["0 * 1", "89 * 1", "  x.shape[0] + 1 ", "f(n)(m)[2]", "(a)", "-b % 3.25", "a++", "$x_1"]
  ) {
    const fast = rewriteSimpleExpression(code, 4);
    assert.ok(fast, code);
    assert.deepEqual(fast, rewriteCell(ts, code, 4), code);
  }
  const notSimple = [
    "",
    "  ",
    "x\n+1",
    "const a = 1",
    "this",
    "await p",
    "a, b",
    "f(a, b)",
    "...a",
    "[...a]",
    "a / b",
    "/x/",
    "1 // c",
    "'s'",
    "a ? b : c",
    "x!",
    "x as number",
    "1e3",
    "0x10",
    "1n",
    "08",
    "1.",
    "{}",
    "a)(b",
    "(a",
    "a]",
    "(a]",
    "typeof a",
    "new C",
    "import('x')",
    "a\u2028+1",
    "é",
  ];
  for (const code of notSimple) assert.equal(rewriteSimpleExpression(code, 4), undefined, code);
});

Deno.test("rewrite: random token strings: the fast rewrite agrees with the full one, or does not compile", () => {
  const strip =
    (nodeModule as unknown as { stripTypeScriptTypes?: (c: string, o: { mode: "strip" }) => string })
      .stripTypeScriptTypes;
  const pieces = [
    "a",
    "b1",
    "$c",
    "_",
    "0",
    "7",
    "12",
    "3.5",
    "05",
    "+",
    "-",
    "*",
    "%",
    ".",
    "(",
    ")",
    "[",
    "]",
    " ",
    "\t",
    "this",
    "await",
    "new",
    "let",
    ",",
    "/",
    ";",
    "=",
    "!",
    "?",
    ":",
    "'",
    "{",
    "}",
  ];
  let seed = 12345;
  const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
  let agreed = 0, refused = 0;
  for (let i = 0; i < 6000; i++) {
    let code = "";
    for (let k = 1 + rand(8); k > 0; k--) code += pieces[rand(i % 3 ? 20 : pieces.length)];
    const fast = rewriteSimpleExpression(code, 9);
    if (!fast) continue;
    let compiles = true;
    try {
      new Script(fast.script!.code);
    } catch {
      compiles = false;
    }
    if (!compiles) {
      refused++;
      continue; // the executor then rewrites the cell in full (and reports its syntax errors)
    }
    const full = rewriteCell(ts, code, 9);
    assert.deepEqual(full.syntaxErrors, [], code);
    assert.deepEqual(fast, full, code);
    if (strip) assert.equal(strip(fast.script!.code, { mode: "strip" }), fast.script!.code, code);
    agreed++;
  }
  assert.ok(agreed > 300 && refused > 300, `agreed ${agreed}, refused ${refused}`);
});
