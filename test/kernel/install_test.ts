import assert from "node:assert/strict";

const INSTALL = new URL("../../kernel/install.ts", import.meta.url).pathname;

Deno.test("install: npm run kernel:install -- --prefix P --name N writes a kernelspec Jupyter can run", async () => {
  const prefix = await Deno.makeTempDir({ prefix: "seglab-install-" });
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        INSTALL,
        "--prefix",
        prefix,
        "--name",
        "seglab-x",
        "--env",
        "SEGLAB_BACKEND=cpu",
        "--check",
      ],
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(out.success, new TextDecoder().decode(out.stderr));
    const spec = JSON.parse(await Deno.readTextFile(`${prefix}/share/jupyter/kernels/seglab-x/kernel.json`));
    assert.equal(spec.interrupt_mode, "message");
    assert.equal(spec.language, "typescript");
    assert.equal(spec.env.NO_COLOR, "1");
    assert.equal(spec.env.SEGLAB_BACKEND, "cpu");
    assert.ok(spec.argv[0].startsWith("/"), "absolute path of the project's deno");
    assert.equal(Deno.realPathSync(spec.argv[0]), Deno.realPathSync(Deno.execPath()));
    assert.deepEqual(spec.argv.slice(1, 3), ["run", "-A"]);
    assert.ok(spec.argv.includes(new URL("../../kernel/main.ts", import.meta.url).pathname));
    assert.deepEqual(spec.argv.slice(-2), ["--check", "{connection_file}"]);

    const bad = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", INSTALL, "--name", "bad name"],
      stderr: "piped",
    }).output();
    assert.equal(bad.success, false);
    assert.match(new TextDecoder().decode(bad.stderr), /may only contain letters, digits/);
    const unknown = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", INSTALL, "--frobnicate"],
      stderr: "piped",
    }).output();
    assert.equal(unknown.code, 2);
    assert.match(new TextDecoder().decode(unknown.stderr), /unknown argument "--frobnicate"/);
  } finally {
    await Deno.remove(prefix, { recursive: true });
  }
});
