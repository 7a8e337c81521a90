/**
 * Tests that run Debian's Python with numpy (and PyTorch) to make or check Paddle-format files.
 * Without the module such tests report themselves skipped with the reason; with
 * `SEGLAB_REQUIRE_NUMPY=1` / `SEGLAB_REQUIRE_TORCH=1` (CI) they fail instead.
 *
 * @example
 * ```ts
 * import { checkPython, pythonTest, runPython } from "../support/python.ts";
 * await checkPython(["numpy"]);
 * pythonTest("numpy reads it", ["numpy"], async () => {
 *   const out = await runPython("import numpy; print(numpy.ones(2).sum())");
 * });
 * ```
 * @module
 */

/** Debian's Python (the one python3-numpy and python3-torch install into). */
export const PYTHON = "/usr/bin/python3";

const checked = new Map<string, Promise<string | null>>();

/** Null when `import <module>` works under {@linkcode PYTHON}, else why not. */
export function pythonLacks(module: string): Promise<string | null> {
  if (!checked.has(module)) {
    checked.set(
      module,
      (async () => {
        try {
          const out = await new Deno.Command(PYTHON, {
            args: ["-c", `import ${module}`],
            stdout: "null",
            stderr: "piped",
          }).output();
          if (out.success) return null;
          const err = new TextDecoder().decode(out.stderr).trim().split("\n").pop();
          return `${PYTHON} cannot import ${module} (${err}); install python3-${module}`;
        } catch (e) {
          return `${PYTHON} cannot run (${(e as Error).message}); install python3 and python3-${module}`;
        }
      })(),
    );
  }
  return checked.get(module)!;
}

/** Runs a Python script (stdin) with arguments; returns stdout, throws with stderr on failure. */
export async function runPython(script: string, args: string[] = []): Promise<string> {
  const child = new Deno.Command(PYTHON, {
    args: ["-", ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(script));
  await w.close();
  const out = await child.output();
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    throw new Error(`python failed (${out.code}):\n${new TextDecoder().decode(out.stderr)}\n${text}`);
  }
  return text;
}

const lacks: Record<string, string | null> = {};

/** Checks the modules once (top-level await in the test file, before its `pythonTest` calls). */
export async function checkPython(modules: string[]): Promise<void> {
  for (const m of modules) lacks[m] = await pythonLacks(m);
}

/**
 * `Deno.test` for a test needing Python modules (`numpy`, `torch`; checked first with
 * {@linkcode checkPython}): skipped with the reason when one is absent, failing then when
 * `SEGLAB_REQUIRE_<MODULE>=1`.
 */
export function pythonTest(name: string, modules: string[], fn: () => Promise<void>): void {
  const missing = modules.map((m) => {
    if (!(m in lacks)) throw new Error(`pythonTest: call checkPython(["${m}"]) first`);
    return lacks[m];
  }).filter((x): x is string => x !== null);
  const required = modules.filter((m) => Deno.env.get(`SEGLAB_REQUIRE_${m.toUpperCase()}`) === "1");
  if (missing.length === 0) {
    Deno.test({ name, fn, sanitizeResources: false, sanitizeOps: false });
  } else if (required.length) {
    Deno.test(name, () => {
      throw new Error(`SEGLAB_REQUIRE_${required[0].toUpperCase()}=1 but ${missing.join("; ")}`);
    });
  } else {
    Deno.test({ name: `${name} (skipped: ${missing.join("; ")})`, ignore: true, fn: () => {} });
  }
}
