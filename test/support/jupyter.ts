/**
 * Tests that drive a kernel through Debian's Jupyter client (`jupyter_client`, `nbclient`,
 * `nbconvert` under /usr/bin/python3). Without them such tests report themselves skipped with the
 * reason; with `SEGLAB_REQUIRE_JUPYTER=1` (CI) they fail instead.
 *
 * @example
 * ```ts
 * import { jupyterTest, installTestKernel, runDriver } from "../support/jupyter.ts";
 * jupyterTest("kernel answers kernel_info", async () => {
 *   const k = await installTestKernel();
 *   const out = await runDriver({ kernel: k, steps: [{ op: "kernel_info" }] });
 *   ...
 * });
 * ```
 * @module
 */
import { installKernelspec, type KernelspecOptions } from "../../kernel/kernelspec.ts";

/** Debian's Python, which has Jupyter's client (the `python3` first on PATH may not). */
export const PYTHON = "/usr/bin/python3";
const DRIVER = new URL("./jupyter_driver.py", import.meta.url).pathname;

let status: Promise<{ ok: true } | { ok: false; reason: string }> | undefined;

/** Whether Jupyter's client is usable here, and why not. */
export function jupyterStatus(): Promise<{ ok: true } | { ok: false; reason: string }> {
  status ??= (async () => {
    try {
      const out = await new Deno.Command(PYTHON, {
        args: ["-c", "import jupyter_client, nbclient, nbformat, nbconvert"],
        stdout: "null",
        stderr: "piped",
      }).output();
      if (out.success) return { ok: true } as const;
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").pop();
      return {
        ok: false,
        reason:
          `${PYTHON} lacks Jupyter's client (${err}); install jupyter-client python3-nbclient jupyter-nbconvert`,
      } as const;
    } catch (e) {
      return {
        ok: false,
        reason: `${PYTHON} cannot run (${
          (e as Error).message
        }); install python3 and jupyter-client python3-nbclient jupyter-nbconvert`,
      } as const;
    }
  })();
  return status;
}

/** True when CI demands Jupyter (`SEGLAB_REQUIRE_JUPYTER=1`). */
export function jupyterRequired(): boolean {
  return Deno.env.get("SEGLAB_REQUIRE_JUPYTER") === "1";
}

const available = await jupyterStatus();
if (!available.ok && !jupyterRequired()) {
  console.warn(`skipping Jupyter-driven tests: ${available.reason}`);
}

/**
 * `Deno.test` for tests needing Jupyter's client: skipped (named with the reason) when it is
 * absent, failing when it is absent and `SEGLAB_REQUIRE_JUPYTER=1`.
 */
export function jupyterTest(
  name: string,
  fn: (t: Deno.TestContext) => Promise<void>,
  opts: { sanitizeResources?: boolean; sanitizeOps?: boolean } = {},
): void {
  if (!available.ok) {
    if (jupyterRequired()) {
      Deno.test(name, () => {
        throw new Error(`SEGLAB_REQUIRE_JUPYTER=1 but ${available.reason}`);
      });
    } else {
      Deno.test({ name: `${name} (skipped: ${available.reason})`, ignore: true, fn: () => {} });
    }
    return;
  }
  Deno.test({
    name,
    fn,
    sanitizeResources: opts.sanitizeResources ?? false,
    sanitizeOps: opts.sanitizeOps ?? false,
  });
}

/** A kernelspec installed into a temporary prefix. */
export interface TestKernel {
  name: string;
  prefix: string;
  /** `JUPYTER_PATH` value that finds it. */
  jupyterPath: string;
  remove(): Promise<void>;
}

/** Installs the seglab kernelspec into a fresh temporary prefix. */
export async function installTestKernel(opts: KernelspecOptions = {}): Promise<TestKernel> {
  const prefix = await Deno.makeTempDir({ prefix: "seglab-jupyter-" });
  const name = opts.name ?? "seglab-test";
  await installKernelspec({ ...opts, name, prefix });
  return {
    name,
    prefix,
    jupyterPath: `${prefix}/share/jupyter`,
    remove: () => Deno.remove(prefix, { recursive: true }),
  };
}

/** One step of a driver job (see jupyter_driver.py). */
export type Step = Record<string, unknown> & { op: string };

/** A Jupyter message as the driver reports it. */
export interface DriverMessage {
  msg_type: string;
  content: Record<string, unknown> & {
    name?: string;
    text?: string;
    data?: Record<string, unknown>;
    ename?: string;
    evalue?: string;
    traceback?: string[];
    transient?: { display_id?: string };
  };
}

/** What one step returned. */
export interface StepResult {
  op: string;
  ms: number;
  reply?: Record<string, unknown> & {
    status?: string;
    matches?: string[];
    data?: Record<string, string>;
    found?: boolean;
  };
  outputs?: DriverMessage[];
  idle?: boolean;
  alive?: boolean;
  input_request?: { prompt: string; password: boolean };
}

/** Runs a driver job against `kernel` with Jupyter's client. */
export async function runDriver(
  opts: { kernel: TestKernel; steps: Step[]; cwd?: string; startupTimeout?: number },
): Promise<{ results: StepResult[]; alive: boolean; stderr: string }> {
  const child = new Deno.Command(PYTHON, {
    args: [DRIVER],
    env: { JUPYTER_PATH: opts.kernel.jupyterPath, PYDEVD_DISABLE_FILE_VALIDATION: "1" },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const w = child.stdin.getWriter();
  await w.write(new TextEncoder().encode(JSON.stringify({
    kernel_name: opts.kernel.name,
    cwd: opts.cwd ?? Deno.cwd(),
    startup_timeout: opts.startupTimeout ?? 60,
    steps: opts.steps,
  })));
  await w.close();
  const out = await child.output();
  const stdout = new TextDecoder().decode(out.stdout);
  const stderr = new TextDecoder().decode(out.stderr);
  const line = stdout.trim().split("\n").pop() ?? "";
  try {
    return { ...JSON.parse(line), stderr };
  } catch {
    throw new Error(`the Jupyter driver failed (exit ${out.code}):\n${stdout}\n${stderr}`);
  }
}

/** A notebook cell for {@linkcode notebook}. */
export type CellSpec = string | { source: string; tags?: string[] };

/** An nbformat 4 notebook of code cells for `kernelName`. */
export function notebook(cells: CellSpec[], kernelName: string): Record<string, unknown> {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: kernelName, display_name: kernelName, language: "typescript" },
      language_info: { name: "typescript" },
    },
    cells: cells.map((c, i) => {
      const { source, tags } = typeof c === "string" ? { source: c, tags: undefined } : c;
      return {
        id: `c${i}`,
        cell_type: "code",
        metadata: tags ? { tags } : {},
        execution_count: null,
        outputs: [],
        source,
      };
    }),
  };
}

/**
 * Executes a notebook with `jupyter nbconvert --to notebook --execute` (nbclient) and returns the
 * executed notebook, or the error output when nbconvert fails.
 */
export async function runNotebook(
  nb: Record<string, unknown>,
  opts: {
    jupyterPath: string;
    cwd?: string;
    timeout?: number;
    allowErrors?: boolean;
    kernelName?: string;
    extraArgs?: string[];
  },
): Promise<
  {
    ok: boolean;
    notebook?: {
      cells: Array<
        { outputs: Array<Record<string, unknown>>; execution_count: number | null; source: string }
      >;
    };
    stderr: string;
    ms: number;
  }
> {
  const dir = await Deno.makeTempDir({ prefix: "seglab-nb-" });
  // nbconvert runs the kernel in the notebook's folder: put the input where the cells should run.
  const input = `${opts.cwd ?? dir}/.seglab-test-${crypto.randomUUID().slice(0, 8)}.ipynb`;
  try {
    await Deno.writeTextFile(input, JSON.stringify(nb));
    const args = [
      "-m",
      "nbconvert",
      "--to",
      "notebook",
      "--execute",
      input,
      "--output",
      "out.ipynb",
      "--output-dir",
      dir,
      `--ExecutePreprocessor.timeout=${opts.timeout ?? 60}`,
      ...(opts.allowErrors ? ["--allow-errors"] : []),
      ...(opts.kernelName ? [`--ExecutePreprocessor.kernel_name=${opts.kernelName}`] : []),
      ...(opts.extraArgs ?? []),
    ];
    const t0 = performance.now();
    const out = await new Deno.Command(PYTHON, {
      args,
      cwd: opts.cwd,
      env: { JUPYTER_PATH: opts.jupyterPath, PYDEVD_DISABLE_FILE_VALIDATION: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const ms = performance.now() - t0;
    const stderr = new TextDecoder().decode(out.stderr);
    if (!out.success) return { ok: false, stderr, ms };
    return { ok: true, notebook: JSON.parse(await Deno.readTextFile(`${dir}/out.ipynb`)), stderr, ms };
  } finally {
    await Deno.remove(dir, { recursive: true }).catch(() => {});
    await Deno.remove(input).catch(() => {});
  }
}

/** The text of a stream / result / error output (for assertions). */
export function outputText(o: Record<string, unknown>): string {
  const t = o.output_type ?? o.msg_type;
  const c = (o.content ?? o) as Record<string, unknown>;
  if (t === "stream") return String(c.text);
  if (t === "error") return `${c.ename}: ${c.evalue}\n${(c.traceback as string[]).join("\n")}`;
  const data = c.data as Record<string, unknown> | undefined;
  const plain = data?.["text/plain"];
  return Array.isArray(plain) ? plain.join("") : String(plain ?? "");
}
