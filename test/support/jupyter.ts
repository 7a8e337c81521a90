/**
 * Tests that need Jupyter's Python side (Debian's `python3-nbformat`, `jupyter-client`,
 * `python3-nbclient`, `python3-ipykernel`…): skipped, with the reason in the test name, when
 * the modules cannot be imported by `/usr/bin/python3`; FAILED instead when
 * `SEGLAB_REQUIRE_JUPYTER=1` (CI sets it, so a missing package cannot turn CI green).
 *
 * @example
 * ```ts
 * import { jupyterTest, validateNotebook } from "../support/jupyter.ts";
 * jupyterTest("output validates against nbformat 4.5", ["nbformat"], async () => {
 *   assert.equal(await validateNotebook("out.ipynb"), "");
 * });
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import process from "node:process";

/** Debian's Python (the `python3` first on PATH may be a pyenv shim without Jupyter). */
export const PYTHON = "/usr/bin/python3";

const DEBIAN_PACKAGE: Record<string, string> = {
  nbformat: "python3-nbformat",
  nbclient: "python3-nbclient",
  nbconvert: "jupyter-nbconvert",
  jupyter_client: "jupyter-client",
  ipykernel: "python3-ipykernel",
};

const cache = new Map<string, string | undefined>();

/** Why the modules cannot be used, or undefined when they can. */
export function jupyterMissing(modules: string[]): string | undefined {
  const key = modules.join(",");
  if (cache.has(key)) return cache.get(key);
  let why: string | undefined;
  if (!existsSync(PYTHON)) {
    why = `${PYTHON} is missing`;
  } else {
    const missing = modules.filter((m) =>
      spawnSync(PYTHON, ["-c", `import ${m}`], { stdio: "ignore" }).status !== 0
    );
    if (missing.length) {
      why = `${
        missing.map((m) => DEBIAN_PACKAGE[m] ?? m).join(", ")
      } not installed (apt-get install; .ci/run does)`;
    }
  }
  cache.set(key, why);
  return why;
}

/** True when CI demands the Jupyter tests run. */
export function jupyterRequired(): boolean {
  return (globalThis as { Deno?: typeof Deno }).Deno?.env.get("SEGLAB_REQUIRE_JUPYTER") === "1";
}

/**
 * Registers a test that needs the given Python modules: skipped with the reason when they are
 * missing, failing when they are missing and `SEGLAB_REQUIRE_JUPYTER=1`.
 */
export function jupyterTest(
  name: string,
  modules: string[],
  fn: () => void | Promise<void>,
  opts: Omit<Deno.TestDefinition, "name" | "fn" | "ignore"> = {},
): void {
  const missing = jupyterMissing(modules);
  if (missing && jupyterRequired()) {
    Deno.test({
      ...opts,
      name,
      fn() {
        throw new Error(`SEGLAB_REQUIRE_JUPYTER=1 but ${missing}`);
      },
    });
    return;
  }
  Deno.test({ ...opts, name: missing ? `${name} (skipped: ${missing})` : name, ignore: !!missing, fn });
}

/**
 * Validates notebook files against their nbformat schema with Debian's `python3-nbformat` (one
 * Python process for all); returns the files that fail, with the error (empty when all pass).
 */
export function validateNotebooks(paths: string[]): Record<string, string> {
  const r = spawnSync(PYTHON, [
    "-c",
    "import sys, json, nbformat\n" +
    "bad = {}\n" +
    "for p in sys.argv[1:]:\n" +
    "    try:\n" +
    "        nbformat.validate(nbformat.read(p, as_version=nbformat.NO_CONVERT))\n" +
    "    except Exception as e:\n" +
    "        bad[p] = f'{type(e).__name__}: {e}'[:2000]\n" +
    "print(json.dumps(bad))",
    ...paths,
  ], { encoding: "utf8", env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: "1" } });
  if (r.status !== 0) throw new Error(`nbformat validation could not run: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}
