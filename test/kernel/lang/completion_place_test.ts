import assert from "node:assert/strict";
import { loadTypeScript } from "../../../kernel/typescript.ts";
import { completionPlace, keywordFits } from "../../../kernel/lang/completion_place.ts";

const ts = loadTypeScript();

function placeAtBar(marked: string): string {
  const pos = marked.indexOf("|");
  const code = marked.replace("|", "");
  const sf = ts.createSourceFile("cell.ts", code, ts.ScriptTarget.ESNext, true, ts.ScriptKind.TS);
  return completionPlace(ts, sf, pos);
}

Deno.test("completionPlace: arguments and initialisers are expressions, annotations types, cell starts statements", () => {
  assert.equal(placeAtBar("createLoss(|"), "expression");
  assert.equal(placeAtBar("createLoss(|)"), "expression");
  assert.equal(placeAtBar("createLoss(a, |)"), "expression");
  assert.equal(placeAtBar("createLoss(ab|)"), "expression");
  assert.equal(placeAtBar("const x = |"), "expression");
  assert.equal(placeAtBar("if (|"), "expression");
  assert.equal(placeAtBar("const x: |"), "type");
  assert.equal(placeAtBar("let y: Array<|>"), "type");
  assert.equal(placeAtBar("|"), "statement");
  assert.equal(placeAtBar("const a = 1;\ncre|"), "statement");
  assert.equal(placeAtBar("function f() {\n  |\n}"), "statement");
});

Deno.test("keywordFits: no type keywords where an expression goes", () => {
  for (const k of ["abstract", "asserts", "keyof", "interface", "const"]) {
    assert.ok(!keywordFits(k, "expression"), k);
  }
  for (const k of ["new", "await", "typeof", "true", "function"]) assert.ok(keywordFits(k, "expression"), k);
  assert.ok(!keywordFits("asserts", "statement"));
  assert.ok(keywordFits("const", "statement") && keywordFits("abstract", "statement"));
  assert.ok(keywordFits("keyof", "type"));
});
