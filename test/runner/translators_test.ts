import assert from "node:assert/strict";
import { TranslatorError, translatorFor } from "../../runner/translators.ts";

Deno.test("translators: TypeScript literals, including the numbers JSON cannot write", () => {
  const ts = translatorFor("TypeScript");
  assert.equal(
    ts.assign("a", { b: [1, "x", null, true], "c-d": -0 }),
    'let a = { b: [1, "x", null, true], "c-d": -0 };',
  );
  assert.equal(ts.assign("big", Infinity), "let big = Infinity;");
  assert.equal(ts.assign("nan", NaN, "const"), "const nan = NaN;");
  assert.equal(ts.assign("v", 1, "var"), "var v = 1;");
  assert.equal(ts.assign("f", 1, "function"), "let f = 1;");
  assert.equal(ts.assign("s", 'quote " and \n newline'), 'let s = "quote \\" and \\n newline";');
  assert.equal(ts.validName("iters"), true);
  assert.equal(ts.validName("class"), false);
  assert.equal(ts.validName("2x"), false);
  assert.equal(translatorFor("javascript").language, "javascript");
});

Deno.test("translators: TypeScript parameters cells — names, kinds, literal defaults, types, comments", () => {
  const ts = translatorFor("typescript");
  const d = ts.declared([
    "import { x } from 'y';",
    "const iters: number = 40; // training iterations",
    'let loss = "ce" as const, coef = [1, 0.02];',
    "var neg = -3;",
    "const { a, b: [c] } = obj;",
    "const computed = Math.max(1, 2);",
    "function helper() {}",
    "const cfg = { lr: 0.01, 'name': \"x\", nested: { k: true } } satisfies object;",
  ].join("\n"));
  const by = Object.fromEntries(d.map((p) => [p.name, p]));
  assert.deepEqual(d.map((p) => p.name), [
    "iters",
    "loss",
    "coef",
    "neg",
    "a",
    "c",
    "computed",
    "helper",
    "cfg",
  ]);
  assert.deepEqual([by.iters.value, by.iters.type, by.iters.comment, by.iters.kind], [
    40,
    "number",
    "training iterations",
    "const",
  ]);
  assert.deepEqual([by.loss.value, by.loss.kind, by.coef.value], ["ce", "let", [1, 0.02]]);
  assert.deepEqual([by.neg.value, by.neg.kind], [-3, "var"]);
  assert.equal(by.computed.value, undefined);
  assert.equal(by.computed.source, "Math.max(1, 2)");
  assert.equal(by.helper.kind, "function");
  assert.deepEqual(by.cfg.value, { lr: 0.01, name: "x", nested: { k: true } });
});

Deno.test("translators: Python literals and parameters cells; other languages are refused", () => {
  const py = translatorFor("python3");
  assert.equal(
    py.assign("x", { a: [true, false, null], b: "s'q" }),
    'x = {"a": [True, False, None], "b": "s\'q"}',
  );
  assert.equal(py.assign("inf", -Infinity), 'inf = -float("inf")');
  assert.equal(py.validName("lambda"), false);
  assert.deepEqual(
    py.declared("n = 3  # count\nname: str = 'x'\nif n == 3:\n    pass\nflag = True").map((
      p,
    ) => [p.name, p.value, p.comment]),
    [
      ["n", 3, "count"],
      ["name", "x", undefined],
      ["flag", true, undefined],
    ],
  );
  assert.throws(
    () => translatorFor("R"),
    (e: Error) =>
      e instanceof TranslatorError &&
      /cannot inject parameters into a "R" notebook.*typescript, javascript, python/.test(e.message),
  );
  assert.throws(() => translatorFor(""), /kernel of unknown language/);
});
