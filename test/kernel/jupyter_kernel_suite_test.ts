/**
 * Runs Jupyter's kernel test suite (jupyter_kernel_test.KernelTests, from Debian's
 * python3-jupyter-kernel-test) against this checkout's kernel: test/kernel/jupyter_kernel_suite.py
 * under /usr/bin/python3, with the kernelspec installed into a temporary JUPYTER_PATH. Without the
 * package the test reports itself skipped; under SEGLAB_REQUIRE_JUPYTER=1 it fails instead.
 */
import assert from "node:assert/strict";
import { installTestKernel, jupyterRequired, PYTHON } from "../support/jupyter.ts";

const HERE = new URL(".", import.meta.url).pathname;

async function suiteMissing(): Promise<string | null> {
  try {
    const out = await new Deno.Command(PYTHON, {
      args: ["-c", "import jupyter_kernel_test"],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success
      ? null
      : `${PYTHON} lacks jupyter_kernel_test; install Debian's python3-jupyter-kernel-test`;
  } catch (e) {
    return `${PYTHON} cannot run (${(e as Error).message}); install python3 and python3-jupyter-kernel-test`;
  }
}

const missing = await suiteMissing();
const NAME = "kernel: Jupyter's kernel test suite (jupyter_kernel_test) passes against the seglab kernel";

if (missing && !jupyterRequired()) {
  Deno.test({ name: `${NAME} (skipped: ${missing})`, ignore: true, fn: () => {} });
} else {
  Deno.test({ name: NAME, sanitizeOps: false, sanitizeResources: false }, async () => {
    if (missing) throw new Error(`SEGLAB_REQUIRE_JUPYTER=1 but ${missing}`);
    const kernel = await installTestKernel({ name: "seglab-suite" });
    try {
      const out = await new Deno.Command(PYTHON, {
        args: ["-m", "unittest", "-v", "jupyter_kernel_suite"],
        cwd: HERE,
        env: {
          JUPYTER_PATH: kernel.jupyterPath,
          SEGLAB_KERNEL_NAME: kernel.name,
          PYTHONDONTWRITEBYTECODE: "1",
        },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const log = new TextDecoder().decode(out.stderr) + new TextDecoder().decode(out.stdout);
      assert.ok(out.success, `jupyter_kernel_test failed:\n${log}`);
      // Every sample ran: only the pager test (no sample; seglab has no pager payload) may skip.
      const ran = [...log.matchAll(/^(test_\w+) \(.*\) \.\.\. (ok|skipped.*|FAIL|ERROR)$/gm)];
      const skipped = ran.filter((m) => m[2].startsWith("skipped")).map((m) => m[1]);
      assert.deepEqual(skipped, ["test_pager"], log);
      assert.ok(ran.length >= 12, `only ${ran.length} tests ran:\n${log}`);
    } finally {
      await kernel.remove();
    }
  });
}
