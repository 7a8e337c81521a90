import assert from "node:assert/strict";
import * as fs from "node:fs";
import process from "node:process";
import { ensureRuntimeDir } from "../../../lib/backend/webgpu/runtime_dir.ts";

const linux = process.platform === "linux";

Deno.test({
  name: "XDG_RUNTIME_DIR: unset, it points at a private empty folder of ours (0700); set, it is left alone",
  ignore: !linux,
  fn() {
    const env: Record<string, string | undefined> = {};
    const dir = ensureRuntimeDir(env);
    assert.ok(dir, "a folder is set");
    assert.equal(env.XDG_RUNTIME_DIR, dir);
    const st = fs.statSync(dir!);
    assert.ok(st.isDirectory());
    assert.equal(st.mode & 0o777, 0o700);
    assert.equal(st.uid, process.getuid!());
    // Reused by the next process, not a new folder per run.
    const again: Record<string, string | undefined> = {};
    assert.equal(ensureRuntimeDir(again), dir);

    const set = { XDG_RUNTIME_DIR: "/run/user/1000" };
    assert.equal(ensureRuntimeDir(set), null);
    assert.equal(set.XDG_RUNTIME_DIR, "/run/user/1000");
  },
});

Deno.test({
  name: "XDG_RUNTIME_DIR: no false alarm on stderr when seglab asks for a WebGPU adapter with it unset",
  ignore: !linux,
  async fn() {
    const env = { ...Deno.env.toObject() };
    delete env.XDG_RUNTIME_DIR;
    const probes = new URL("../../../lib/backend/probes.ts", import.meta.url).href;
    const code = `const { defaultProbes } = await import(${JSON.stringify(probes)});
      const a = await defaultProbes.gpuAdapter(); console.log(typeof a === "string" ? a : a.description);`;
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      env,
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(r.stderr);
    assert.equal(r.code, 0, err);
    assert.doesNotMatch(err, /XDG_RUNTIME_DIR/);
  },
});
