/**
 * Checks of executed notebooks with Debian's `python3-nbformat` (used inside `jupyterTest`, from
 * `jupyter.ts`, so that a machine without Jupyter's Python side skips them with the reason, and CI
 * with `SEGLAB_REQUIRE_JUPYTER=1` fails instead).
 *
 * @example
 * ```ts
 * import { jupyterTest } from "../support/jupyter.ts";
 * import { validateNotebooks } from "../support/notebook_validation.ts";
 * jupyterTest("outputs validate", async () => assert.deepEqual(validateNotebooks(["out.ipynb"]), {}));
 * ```
 * @module
 */
import { spawnSync } from "node:child_process";
import process from "node:process";
import { PYTHON } from "./jupyter.ts";

/**
 * Validates notebook files against their nbformat schema (one Python process for all); returns
 * the files that fail, with the error (empty when all pass).
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

/** Why `/usr/bin/python3` cannot import ipykernel (Debian's python3-ipykernel), or undefined. */
export function ipykernelMissing(): string | undefined {
  const r = spawnSync(PYTHON, ["-c", "import ipykernel"], { stdio: "ignore" });
  return r.status === 0
    ? undefined
    : `${PYTHON} cannot import ipykernel (apt-get install python3-ipykernel; .ci/run does)`;
}
