import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  injectParameters,
  ParameterError,
  parseParameterArg,
  readParamsFile,
} from "../../runner/parameters.ts";
import { parseNotebook } from "../../runner/notebook.ts";
import { translatorFor } from "../../runner/translators.ts";
import { notebook, tempDir } from "./_support.ts";

Deno.test("parseParameterArg: values typed as YAML reads them; -r keeps text", () => {
  assert.deepEqual(parseParameterArg("n=7"), ["n", 7]);
  assert.deepEqual(parseParameterArg("lr=0.02"), ["lr", 0.02]);
  assert.deepEqual(parseParameterArg("name=abc"), ["name", "abc"]);
  assert.deepEqual(parseParameterArg("quoted='7'"), ["quoted", "7"]);
  assert.deepEqual(parseParameterArg("on=true"), ["on", true]);
  assert.deepEqual(parseParameterArg("none=null"), ["none", null]);
  assert.deepEqual(parseParameterArg("xs=[1, 2.5, b]"), ["xs", [1, 2.5, "b"]]);
  assert.deepEqual(parseParameterArg("m={a: 1, b: [x]}"), ["m", { a: 1, b: ["x"] }]);
  assert.deepEqual(parseParameterArg("eq=a=b"), ["eq", "a=b"], "only the first = splits");
  assert.deepEqual(
    parseParameterArg("date=2024-01-01"),
    ["date", "2024-01-01"],
    "YAML 1.2 core: no timestamps",
  );
  assert.deepEqual(parseParameterArg("n=7", true), ["n", "7"]);
  assert.throws(
    () => parseParameterArg("n"),
    (e: Error) => e instanceof ParameterError && /must be name=value/.test(e.message),
  );
  assert.throws(() => parseParameterArg("=3"), ParameterError);
  assert.throws(() => parseParameterArg("xs=[1,"), /cannot read "\[1," as YAML/);
});

Deno.test("readParamsFile: YAML or JSON mappings; anything else is refused with the file named", async () => {
  const d = tempDir();
  const w = (n: string, t: string) => (fs.writeFileSync(path.join(d, n), t), path.join(d, n));
  assert.deepEqual(await readParamsFile(w("p.yaml", "iters: 200\nloss: lovasz\ncoef: [1, 0.02]\n")), {
    iters: 200,
    loss: "lovasz",
    coef: [1, 0.02],
  });
  assert.deepEqual(await readParamsFile(w("p.json", '{"seeds": [1, 2, 3]}')), { seeds: [1, 2, 3] });
  assert.deepEqual(await readParamsFile(w("empty.yaml", "")), {});
  await assert.rejects(
    () => readParamsFile(w("list.yaml", "- 1\n- 2\n")),
    /must hold a mapping .* not a list/,
  );
  await assert.rejects(
    () => readParamsFile(w("bad.yaml", "a: [1,\n")),
    /bad\.yaml is not valid YAML or JSON/,
  );
  await assert.rejects(
    () => readParamsFile(path.join(d, "none.yaml")),
    /cannot read the params file .*no such file/,
  );
});

Deno.test("injectParameters: after the parameters cell, replacing an earlier injected cell; warnings", () => {
  const ts = translatorFor("typescript");
  const nb = parseNotebook(JSON.stringify(notebook([
    ["markdown", "# t"],
    ["code", 'const iters = 40; // iterations\nlet loss = "ce";\nconst seeds = [1];', ["parameters"]],
    ["code", "let iters = 1; // stale", ["injected-parameters"]],
    ["code", "console.log(iters)"],
  ])));
  const r = injectParameters(nb, { iters: 200, loss: "lovasz", seeds: 3, lr: 0.1 }, ts);
  assert.equal(r.parametersIndex, 1);
  assert.equal(r.injectedIndex, 2);
  assert.equal(r.notebook.cells.length, 4, "the stale injected cell was replaced");
  assert.equal(
    r.notebook.cells[2].source,
    '// Parameters injected by seglab nb\nconst iters = 200;\nlet loss = "lovasz";\nconst seeds = 3;\nlet lr = 0.1;\n',
  );
  assert.deepEqual(r.notebook.cells[2].metadata.tags, ["injected-parameters"]);
  assert.equal(nb.cells.length, 4, "the input notebook is not modified");
  assert.equal(r.warnings.length, 2);
  assert.match(r.warnings[0], /"seeds": the default is a list \(\[1\]\), the given value is a number \(3\)/);
  assert.match(
    r.warnings[1],
    /"lr" is not declared in the parameters cell \(cell 2; it declares iters, loss, seeds\); injecting it anyway/,
  );

  const bare = parseNotebook(JSON.stringify(notebook([["code", "1"]])));
  const top = injectParameters(bare, { n: 1 }, ts);
  assert.equal(top.injectedIndex, 0);
  assert.match(top.warnings[0], /no cell tagged "parameters"; the parameters are injected at the top/);
  assert.deepEqual(injectParameters(nb, {}, ts).notebook.cells.map((c) => c.metadata.tags ?? []), [[], [
    "parameters",
  ], []], "nothing given: only the stale cell goes");
});
