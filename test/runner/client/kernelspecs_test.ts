import assert from "node:assert/strict";
import * as path from "node:path";
import { findKernelSpec, jupyterDataDirs, listKernelSpecs } from "../../../runner/client/kernelspecs.ts";
import { tempDir, writeKernelSpec } from "../_support.ts";

Deno.test("jupyterDataDirs: JUPYTER_PATH first, then the user dir, then the system dirs (jupyter_client's order)", () => {
  if (Deno.build.os !== "linux") return;
  assert.deepEqual(jupyterDataDirs({ JUPYTER_PATH: "/a:/b/", HOME: "/home/u" }), [
    "/a",
    "/b",
    "/home/u/.local/share/jupyter",
    "/usr/local/share/jupyter",
    "/usr/share/jupyter",
  ]);
  assert.equal(jupyterDataDirs({ HOME: "/h", XDG_DATA_HOME: "/x" })[0], "/x/jupyter");
  assert.equal(jupyterDataDirs({ HOME: "/h", JUPYTER_DATA_DIR: "/d", XDG_DATA_HOME: "/x" })[0], "/d");
});

Deno.test("findKernelSpec / listKernelSpecs: first match wins, names are case-insensitive, junk is skipped", async () => {
  const a = tempDir(), b = tempDir();
  writeKernelSpec(a, "Mine", {
    argv: ["k", "{connection_file}"],
    display_name: "Mine A",
    language: "python",
    interrupt_mode: "message",
    env: { X: "1" },
  });
  writeKernelSpec(b, "mine", { argv: ["other"], display_name: "Mine B" });
  writeKernelSpec(b, "broken", { display_name: "no argv" });
  writeKernelSpec(b, "only-b", { argv: ["b"], display_name: "B" });
  const dataDirs = [a, b];
  const mine = await findKernelSpec("MINE", { dataDirs });
  assert.equal(mine?.display_name, "Mine A");
  assert.equal(mine?.interrupt_mode, "message");
  assert.deepEqual(mine?.env, { X: "1" });
  assert.equal(mine?.dir, path.join(a, "kernels", "Mine"));
  assert.equal(
    (await findKernelSpec("only-b", { dataDirs }))?.interrupt_mode,
    "signal",
    "signal is the default",
  );
  assert.equal(await findKernelSpec("nope", { dataDirs }), undefined);
  assert.deepEqual((await listKernelSpecs({ dataDirs })).map((k) => k.name).sort(), ["mine", "only-b"]);
  await assert.rejects(() => findKernelSpec("broken", { dataDirs }), /has no "argv"/);
});
