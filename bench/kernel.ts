/**
 * The seglab kernel beside Deno's built-in kernel (`deno jupyter`), both started from kernelspecs
 * with `interrupt_mode: message` and `NO_COLOR=1`. Prints one JSON document:
 *
 * - `lost_outputs`: cells of the research's 90-cell race notebook (90 × `i * 1`, the last 30
 *   also printing) whose outputs were lost or changed, per `jupyter nbconvert --execute` run
 *   (Debian's nbclient; skipped when it is absent);
 * - `startup_to_first_result_ms`: from spawning the kernel to the `idle` after `1 + 1`'s result
 *   (target ≤ 1000 ms for seglab);
 * - `trivial_cells`: 90 cells `i * 1` sent one after another (request → reply and idle), total and
 *   median per cell (target: seglab no slower than deno jupyter).
 *
 *   deno run -A bench/kernel.ts [--runs 3] [--no-deno] [--no-nbconvert]
 */
import { parseArgs } from "node:util";
import { loadavg } from "node:os";
import { type KernelSpec, launchKernel, readKernelSpec, seglabKernelSpec } from "../runner/mod.ts";
import { installKernelspec } from "../kernel/kernelspec.ts";
import { jupyterStatus, notebook, runNotebook } from "../test/support/jupyter.ts";
import { lostOutputs, raceNotebook } from "../test/support/notebooks.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    runs: { type: "string", default: "3" },
    "no-deno": { type: "boolean" },
    "no-nbconvert": { type: "boolean" },
  },
});
const runs = Number(args.runs);
const deno = Deno.execPath();
const denoArgv = [deno, "jupyter", "--kernel", "--conn", "{connection_file}"];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Math.round((s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 * 10) / 10 : NaN;
}

async function startup(spec: KernelSpec, cwd: string): Promise<number> {
  const t0 = performance.now();
  const k = await launchKernel(spec, { cwd, waitReady: false });
  try {
    const ex = await k.execute("1 + 1", { timeoutMs: 30000 });
    if (!ex.outputs.some((m) => m.header.msg_type === "execute_result")) throw new Error("no result");
    return Math.round(performance.now() - t0);
  } finally {
    await k.stop(2000);
  }
}

async function trivialCells(
  spec: KernelSpec,
  cwd: string,
): Promise<{ total_ms: number; median_ms: number; lost: number }> {
  const k = await launchKernel(spec, { cwd });
  try {
    await k.execute("0", { timeoutMs: 30000 });
    const times: number[] = [];
    let lost = 0;
    const t0 = performance.now();
    for (let i = 0; i < 90; i++) {
      const t = performance.now();
      const ex = await k.execute(`${i} * 1`, { timeoutMs: 30000 });
      times.push(performance.now() - t);
      const r = ex.outputs.find((m) => m.header.msg_type === "execute_result");
      if ((r?.content as { data?: Record<string, string> })?.data?.["text/plain"] !== String(i)) lost++;
    }
    return { total_ms: Math.round(performance.now() - t0), median_ms: median(times), lost };
  } finally {
    await k.stop(2000);
  }
}

const cwd = await Deno.makeTempDir({ prefix: "seglab-bench-" });
const prefix = await Deno.makeTempDir({ prefix: "seglab-bench-jupyter-" });
await installKernelspec({ prefix, name: "seglab-bench" });
await Deno.mkdir(`${prefix}/share/jupyter/kernels/deno-bench`, { recursive: true });
await Deno.writeTextFile(
  `${prefix}/share/jupyter/kernels/deno-bench/kernel.json`,
  JSON.stringify({
    argv: denoArgv,
    display_name: "Deno",
    language: "typescript",
    interrupt_mode: "message",
    env: { NO_COLOR: "1" },
  }),
);

const kernels: Array<{ name: string; spec: string; kernelspec: KernelSpec }> = [
  { name: "seglab", spec: "seglab-bench", kernelspec: seglabKernelSpec() },
  ...(args["no-deno"] ? [] : [{
    name: "deno_jupyter",
    spec: "deno-bench",
    kernelspec: await readKernelSpec(`${prefix}/share/jupyter/kernels/deno-bench`),
  }]),
];
const load = [loadavg()[0]];
const result: Record<string, unknown> = {
  machine: { cpus: navigator.hardwareConcurrency, deno: Deno.version.deno },
};
const jupyter = await jupyterStatus();
/** Runs `f`, recording a failure (a kernel that stalls) instead of ending the benchmark. */
async function attempt<T>(what: string, f: () => Promise<T>, failures: string[]): Promise<T | undefined> {
  console.error(`bench: ${what}`);
  try {
    return await f();
  } catch (e) {
    failures.push(`${what}: ${(e as Error).message}`);
    return undefined;
  }
}

for (const k of kernels) {
  const entry: Record<string, unknown> = {};
  const failures: string[] = [];
  const starts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const ms = await attempt(`${k.name} start-up ${i + 1}`, () => startup(k.kernelspec, cwd), failures);
    if (ms !== undefined) starts.push(ms);
  }
  entry.startup_to_first_result_ms = { median: median(starts), runs: starts };
  const cellRuns = [];
  for (let i = 0; i < runs; i++) {
    const r = await attempt(
      `${k.name} 90 trivial cells ${i + 1}`,
      () => trivialCells(k.kernelspec, cwd),
      failures,
    );
    if (r) cellRuns.push(r);
  }
  entry.trivial_cells = {
    cells: 90,
    total_ms_median: median(cellRuns.map((r) => r.total_ms)),
    per_cell_ms_median: median(cellRuns.map((r) => r.median_ms)),
    wrong_results: cellRuns.map((r) => r.lost),
  };
  entry.failures = failures;
  if (!args["no-nbconvert"] && jupyter.ok) {
    const { cells, expected } = raceNotebook();
    const lost: number[] = [];
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) {
      const r = await runNotebook(notebook(cells, k.spec), {
        jupyterPath: `${prefix}/share/jupyter`,
        cwd,
        timeout: 60,
      });
      if (!r.ok) throw new Error(`nbconvert failed for ${k.name}: ${r.stderr.slice(-2000)}`);
      lost.push(lostOutputs(r.notebook!, expected).length);
      ms.push(Math.round(r.ms));
    }
    entry.nbconvert_90_cells = { lost_outputs_per_run: lost, wall_ms: ms };
  } else if (!jupyter.ok) entry.nbconvert_90_cells = { skipped: jupyter.reason };
  result[k.name] = entry;
}
load.push(loadavg()[0]);
const s = result.seglab as {
  startup_to_first_result_ms: { median: number };
  trivial_cells: { total_ms_median: number };
};
const d = result.deno_jupyter as typeof s | undefined;
result.targets = {
  startup_le_1000ms: s.startup_to_first_result_ms.median <= 1000,
  trivial_cells_no_slower_than_deno_jupyter: d
    ? s.trivial_cells.total_ms_median <= d.trivial_cells.total_ms_median
    : null,
};
result.load_average_1min = { start: load[0], end: load[1] };
console.log(JSON.stringify(result, null, 2));
await Deno.remove(cwd, { recursive: true });
await Deno.remove(prefix, { recursive: true });
