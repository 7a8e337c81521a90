import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { nbMain } from "../../runner/cli.ts";
import { kernelDirs, notebook, readJson, streamText, tempDir, writeNotebook } from "./_support.ts";

const kernels = kernelDirs();
const work = tempDir();

async function cli(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "", err = "";
  const prev = Deno.env.get("JUPYTER_PATH");
  Deno.env.set("JUPYTER_PATH", kernels.dir);
  try {
    const code = await nbMain(args, { out: (t) => out += t, err: (t) => err += t });
    return { code, out, err };
  } finally {
    if (prev === undefined) Deno.env.delete("JUPYTER_PATH");
    else Deno.env.set("JUPYTER_PATH", prev);
  }
}

const nbPath = writeNotebook(
  work,
  "cli.ipynb",
  notebook([
    ["code", "const n = 3; // how many\nconst label = 'x';", ["parameters"]],
    ["code", "console.log(`n=${n} (${typeof n}) label=${label}`);"],
  ]),
);

Deno.test("nb: bad usage exits 2 with a message (and the usage where it helps)", async () => {
  for (
    const [args, re] of [
      [[], /usage: npm run nb/],
      [["frobnicate"], /unknown command "frobnicate"/],
      [["run"], /no notebook given/],
      [["run", nbPath, "--bogus"], /unknown option --bogus/],
      [["run", nbPath, "-p", "n"], /parameter "n" must be name=value/],
      [["run", nbPath, "--timeout", "soon"], /--timeout "soon": expected a number of seconds/],
      [["run", nbPath, "--kernel"], /--kernel needs a value/],
      [
        ["run", nbPath, nbPath, "--out", path.join(work, "one.ipynb")],
        /with 2 notebooks, --out must be a folder/,
      ],
      [["run", path.join(work, "nope.ipynb")], /cannot read .*nope\.ipynb: no such file/],
      [["run", nbPath, "--kernel", "zzz"], /no kernelspec named "zzz"[\s\S]*deno-test/],
      [["run", nbPath, "--params-file", path.join(work, "missing.yaml")], /cannot read the params file/],
    ] as [string[], RegExp][]
  ) {
    const r = await cli(...args);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    assert.match(r.err, re, args.join(" "));
  }
});

Deno.test({
  name: "nb run: -p and --params-file typed, output folder, --html; nb html; nb params",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const pf = path.join(work, "p.yaml");
    fs.writeFileSync(pf, "n: 5\nlabel: from-file\n");
    const outDir = path.join(work, "runs") + "/";
    const r = await cli(
      "run",
      nbPath,
      "--params-file",
      pf,
      "-p",
      "n=7",
      "--out",
      outDir,
      "--html",
      "--quiet",
    );
    assert.equal(r.code, 0, r.err);
    const out = path.join(work, "runs", "cli.ipynb");
    assert.equal(
      r.out,
      `ok  ${nbPath}\n    executed notebook: ${out}\n    HTML page:         ${
        out.replace(/ipynb$/, "html")
      }\n`,
    );
    assert.match(
      streamText(readJson(out), 2),
      /n=7 \(number\) label=from-file/,
      "-p after --params-file wins",
    );
    assert.match(r.err, /\[2\/3\] cell 2/, "the live log shows cell progress");
    assert.doesNotMatch(r.err, /│ n=7/, "--quiet leaves outputs out of the log");
    assert.ok(
      fs.readFileSync(path.join(work, "runs", "cli.html"), "utf8").includes("n=7 (number) label=from-file"),
    );

    const h = await cli("html", out, "--out", path.join(work, "page.html"));
    assert.equal(h.code, 0, h.err);
    assert.match(fs.readFileSync(path.join(work, "page.html"), "utf8"), /<!doctype html>/);

    const p = await cli("params", nbPath);
    assert.equal(p.code, 0, p.err);
    assert.match(p.out, /^ {2}n {6}3 {2}\[number\] {2}— how many$/m);
    assert.match(p.out, /^ {2}label {2}'x' {2}\[string\]$/m);

    const k = await cli("kernels");
    assert.match(k.out, /seglab .*built in/);
    assert.match(k.out, /deno-test +Deno \(test\) \[typescript; interrupt by message\]/);
  },
});
