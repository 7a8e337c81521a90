import assert from "node:assert/strict";
import { loadTypeScript } from "../../../kernel/typescript.ts";
import { rewriteCell } from "../../../kernel/exec/rewrite.ts";

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
