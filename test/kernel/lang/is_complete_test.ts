import assert from "node:assert/strict";
import { loadTypeScript } from "../../../kernel/typescript.ts";
import { isComplete } from "../../../kernel/lang/is_complete.ts";

const ts = loadTypeScript();

Deno.test("isComplete: invalid code is told apart from code that needs more lines", () => {
  const cases: [string, string][] = [
    ["1 +* 2)", "invalid"],
    ["1 +* 2", "invalid"],
    ["foo(1, 2))", "invalid"],
    ["}", "invalid"],
    ["const = = 1;", "invalid"],
    ["'abc", "invalid"],
    ["function f() {", "incomplete"],
    ["[1, 2", "incomplete"],
    ["const x =", "incomplete"],
    ["a.", "incomplete"],
    ["if (x)", "incomplete"],
    ["`total ${n", "incomplete"],
    ["/* note", "incomplete"],
    ["const f = () =>", "incomplete"],
    ["const x = 1;", "complete"],
    ["console.log('hi')", "complete"],
    ["x = /re(/.test(y)", "complete"],
    ["`a ${b} c`", "complete"],
    ["await x", "complete"],
    ["", "complete"],
  ];
  for (const [code, status] of cases) assert.equal(isComplete(ts, code).status, status, JSON.stringify(code));
  assert.deepEqual(isComplete(ts, "for (const x of xs) {\n  if (x) {"), {
    status: "incomplete",
    indent: "    ",
  });
});
