import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { setupKey, upToDate } from "../../bin/setup.mjs";

Deno.test("setup: installs only when package.json, package-lock.json or deno.json changed", async () => {
  const root = await Deno.makeTempDir({ prefix: "seglab-setup-" });
  try {
    for (const f of ["package.json", "package-lock.json", "deno.json"]) {
      fs.writeFileSync(path.join(root, f), "{}");
    }
    fs.mkdirSync(path.join(root, "node_modules", ".bin"), { recursive: true });
    assert.equal(upToDate(root), false, "never installed");
    fs.writeFileSync(path.join(root, "node_modules", ".seglab-setup"), setupKey(root) + "\n");
    assert.equal(upToDate(root), false, "no Deno in node_modules");
    fs.writeFileSync(path.join(root, "node_modules", ".bin", "deno"), "");
    assert.equal(upToDate(root), true);
    for (const f of ["package.json", "package-lock.json", "deno.json"]) {
      const before = fs.readFileSync(path.join(root, f));
      fs.writeFileSync(path.join(root, f), '{"changed":1}');
      assert.equal(upToDate(root), false, `${f} changed`);
      fs.writeFileSync(path.join(root, f), before);
      assert.equal(upToDate(root), true);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
