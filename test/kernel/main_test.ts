/**
 * Bad input at the kernel's command line and cells that kill the runtime: a missing or malformed
 * connection file ends the process with a clear message; a cell that exhausts memory or crashes
 * the runtime shows up in nbclient as a dead kernel, not as a hang.
 */
import assert from "node:assert/strict";
import { installTestKernel, jupyterTest, notebook, runNotebook } from "../support/jupyter.ts";

const MAIN = new URL("../../kernel/main.ts", import.meta.url).pathname;

async function runMain(args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", MAIN, ...args],
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

Deno.test("main: a missing, unreadable or malformed connection file ends the kernel with a clear message", async () => {
  const missing = await runMain(["/nonexistent/kernel-1.json"]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /cannot read the connection file \/nonexistent\/kernel-1\.json: no such file/);
  assert.match(missing.stderr, /\{connection_file\}/);

  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/bad.json`, "{ not json");
    const bad = await runMain([`${dir}/bad.json`]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /is not valid JSON/);

    await Deno.writeTextFile(
      `${dir}/noport.json`,
      JSON.stringify({
        ip: "127.0.0.1",
        key: "k",
        transport: "tcp",
        shell_port: 1,
        iopub_port: 2,
        stdin_port: 3,
        hb_port: 4,
      }),
    );
    const noport = await runMain([`${dir}/noport.json`]);
    assert.equal(noport.code, 2);
    assert.match(noport.stderr, /"control_port" is missing; it must be a port number/);

    const none = await runMain([]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no connection file given/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

jupyterTest(
  "main: a cell that exhausts memory or crashes the runtime is a dead kernel for nbclient, not a hang",
  async () => {
    const kernel = await installTestKernel({ denoFlags: ["--v8-flags=--max-old-space-size=96"] });
    try {
      const cases = [
        "const hog: number[][] = [];\nwhile (true) hog.push(new Array(1e6).fill(1.5));",
        "Deno.kill(Deno.pid, 'SIGABRT');\nawait new Promise((r) => setTimeout(r, 5000));",
      ];
      for (const cell of cases) {
        const t0 = performance.now();
        const r = await runNotebook(notebook(["1 + 1", cell, "'never'"], kernel.name), {
          jupyterPath: kernel.jupyterPath,
          timeout: 120,
        });
        const ms = performance.now() - t0;
        assert.equal(r.ok, false);
        assert.match(r.stderr, /DeadKernelError|Kernel died/, r.stderr.slice(-1500));
        assert.ok(ms < 60000, `reported in ${Math.round(ms)} ms`);
      }
    } finally {
      await kernel.remove();
    }
  },
);
