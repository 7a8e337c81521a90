/**
 * `nb sweep`: the command line of {@linkcode runSweep}, with `--summary` printing the gathered
 * comparison ({@linkcode compareSweep}) at the end (or alone, for a sweep folder).
 * @module
 */
import process from "node:process";
import { EXIT, RunUsageError } from "../exit_codes.ts";
import { ParameterError, parseParameterArg, readParamsFile } from "../parameters.ts";
import type { ParamValue } from "../translators.ts";
import { tableBundle } from "../../lib/display/table.ts";
import { compareSweep } from "./compare.ts";
import { gatherSweep } from "./gather.ts";
import { type GridAxis, GridError, parseGridArg, readGridFile } from "./grid.ts";
import { readManifest, SweepError } from "./manifest.ts";
import { runSweep } from "./sweep.ts";

/** The `nb sweep` part of the usage text. */
export const SWEEP_USAGE = `  sweep <notebook.ipynb> --out <dir> -g name=v1,v2,… [-g …] [options]
                             run the notebook over the Cartesian product of the grid (one executed notebook per
                             point in <dir>, manifest <dir>/sweep.json); run it again to resume
      -g, --grid-axis name=v1,v2,…  a grid axis: values split on top-level commas, each read as -p reads it
                             (-g 'coef=[1,0.02],[1,0.05]' is two lists)
      --grid <file.yaml>     grid axes from a YAML mapping of names to lists of values
      -p, -r, --params-file  parameters every point gets (as for run)
      --engine local|slurm   local (default): a pool of kernels here; slurm: one sbatch job array
      --jobs <n>             local: points run at once (default 1); the cores are divided among them
      --threads <n>          wasm threads per point (default: cores / jobs; slurm: --cpus-per-task)
      --retry-failed         run the points that failed before again (otherwise they are listed and skipped)
      --timeout <s>, --kernel <name>, --cwd <dir>, --startup-timeout <s>   as for run, for every point
      --cpus-per-task <n>, --time <t>, --mem <m>   slurm: the array tasks' resources
      --sbatch-arg <arg>     slurm: one more sbatch option (repeatable), e.g. --sbatch-arg=--partition=debug
      --poll <s>             slurm: seconds between looks at the queue (default 5)
      --no-wait              slurm: submit and return (run the same command again to follow and gather)
      --summary              print the gathered table and the comparison at the end
      --metric <name>        the record compared (default: the first numeric record)
      --pair <name>          the parameter pairing runs across settings (default seed)
      --baseline <setting>   the setting the others are compared with (default the first)
  sweep <dir> --summary [--metric …]   the table and comparison of a sweep folder, without running`;

interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

interface SweepArgs {
  notebook?: string;
  out?: string;
  axes: GridAxis[];
  gridFile?: string;
  fixed: Record<string, ParamValue>;
  engine: "local" | "slurm";
  jobs?: number;
  threads?: number;
  retryFailed: boolean;
  timeout?: number;
  startupTimeout?: number;
  kernel?: string;
  cwd?: string;
  cpusPerTask?: number;
  time?: string;
  mem?: string;
  sbatchArgs: string[];
  poll?: number;
  noWait: boolean;
  summary: boolean;
  metric?: string;
  pair?: string;
  baseline?: string;
}

function positive(v: string, flag: string, integer = true): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new RunUsageError(`${flag} ${JSON.stringify(v)}: expected a ${integer ? "whole " : ""}number > 0`);
  }
  return n;
}

async function parseSweepArgs(args: string[]): Promise<SweepArgs> {
  const a: SweepArgs = {
    axes: [],
    fixed: {},
    engine: "local",
    retryFailed: false,
    sbatchArgs: [],
    noWait: false,
    summary: false,
  };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = args[++i];
      // --sbatch-arg takes values that start with "-".
      if (v === undefined || (v.startsWith("-") && flag !== "--sbatch-arg")) {
        throw new RunUsageError(`${flag} needs a value`);
      }
      return v;
    };
    switch (flag) {
      case "--out":
      case "-o":
        a.out = value();
        break;
      case "-g":
      case "--grid-axis":
        a.axes.push(parseGridArg(value()));
        break;
      case "--grid":
        a.gridFile = value();
        break;
      case "-p":
      case "--param": {
        const [k, v] = parseParameterArg(value());
        a.fixed[k] = v;
        break;
      }
      case "-r":
      case "--raw": {
        const [k, v] = parseParameterArg(value(), true);
        a.fixed[k] = v;
        break;
      }
      case "--params-file":
      case "-f":
        Object.assign(a.fixed, await readParamsFile(value()));
        break;
      case "--engine": {
        const e = value();
        if (e !== "local" && e !== "slurm") throw new RunUsageError(`--engine ${e}: expected local or slurm`);
        a.engine = e;
        break;
      }
      case "--jobs":
      case "-j":
        a.jobs = positive(value(), flag);
        break;
      case "--threads":
        a.threads = positive(value(), flag);
        break;
      case "--retry-failed":
        a.retryFailed = true;
        break;
      case "--timeout":
        a.timeout = positive(value(), flag, false);
        break;
      case "--startup-timeout":
        a.startupTimeout = positive(value(), flag, false);
        break;
      case "--kernel":
      case "-k":
        a.kernel = value();
        break;
      case "--cwd":
        a.cwd = value();
        break;
      case "--cpus-per-task":
        a.cpusPerTask = positive(value(), flag);
        break;
      case "--time":
        a.time = value();
        break;
      case "--mem":
        a.mem = value();
        break;
      case "--sbatch-arg":
        a.sbatchArgs.push(value());
        break;
      case "--poll":
        a.poll = positive(value(), flag, false);
        break;
      case "--no-wait":
        a.noWait = true;
        break;
      case "--summary":
        a.summary = true;
        break;
      case "--metric":
        a.metric = value();
        break;
      case "--pair":
        a.pair = value();
        break;
      case "--baseline":
        a.baseline = value();
        break;
      default:
        if (arg.startsWith("-")) {
          throw new RunUsageError(`unknown sweep option ${arg}\n\nusage:\n${SWEEP_USAGE}`);
        }
        if (a.notebook) throw new RunUsageError(`give one notebook (got ${a.notebook} and ${arg})`);
        a.notebook = arg;
    }
  }
  if (a.gridFile) a.axes.push(...await readGridFile(a.gridFile));
  return a;
}

/** Prints the gathered table and the comparison of the sweep in `dir`. */
function printSummary(dir: string, a: SweepArgs, io: CliIo): void {
  const t = gatherSweep(dir);
  if (t.numRows() === 0) {
    io.out(`no completed points in ${dir} yet\n`);
    return;
  }
  const rows = t.objects() as Record<string, unknown>[];
  // Long JSON values (a list of runs) do not fit a terminal table; gatherSweep has them.
  const long = t.columnNames().filter((c) =>
    rows.some((r) => typeof r[c] === "string" && (r[c] as string).length > 60)
  );
  const shown = t.columnNames().filter((c) => c !== "status" && !long.includes(c));
  io.out(`\n${tableBundle(t.select(shown), 200)["text/plain"]}\n`);
  if (long.length) io.out(`(not shown: ${long.join(", ")}; gatherSweep("${dir}") has them)\n`);
  io.out("\n");
  const m = readManifest(dir)!;
  const params = new Set(m.grid.map((g) => g.name));
  const metric = a.metric ??
    t.columnNames().find((c) =>
      !params.has(c) && c !== "duration" &&
      rows.some((r) => typeof r[c] === "number" && !Number.isInteger(r[c]))
    );
  if (!metric) {
    io.out(`(no numeric record to compare; pass --metric <name>)\n`);
    return;
  }
  const c = compareSweep(t, { metric, pair: a.pair, baseline: a.baseline });
  io.out(`${c.text()}\n`);
}

/** `nb sweep …`; returns the exit code. */
export async function cmdSweep(args: string[], io: CliIo): Promise<number> {
  let a: SweepArgs;
  try {
    a = await parseSweepArgs(args);
  } catch (e) {
    if (e instanceof GridError || e instanceof ParameterError) throw new RunUsageError(e.message);
    throw e;
  }
  if (!a.notebook) throw new RunUsageError(`no notebook given\n\nusage:\n${SWEEP_USAGE}`);
  // `nb sweep <dir> --summary`: a finished (or running) sweep's table, without running anything.
  if (!a.notebook.endsWith(".ipynb") && readManifest(a.notebook)) {
    if (!a.summary) {
      throw new RunUsageError(`${a.notebook} is a sweep folder: add --summary to print its table`);
    }
    printSummary(a.notebook, a, io);
    return EXIT.ok;
  }
  if (!a.out) {
    throw new RunUsageError(`--out <dir> is required: the sweep's folder (give the same one to resume)`);
  }
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) process.exit(EXIT.aborted);
    io.err(
      "\nseglab nb sweep: stopping (the running points are interrupted; run the same command to resume)\n",
    );
    controller.abort();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    const r = await runSweep(a.notebook, {
      out: a.out,
      axes: a.axes,
      fixed: a.fixed,
      kernel: a.kernel,
      timeout: a.timeout,
      startupTimeout: a.startupTimeout,
      cwd: a.cwd,
      engine: a.engine,
      jobs: a.jobs,
      threads: a.threads,
      retryFailed: a.retryFailed,
      slurm: {
        cpusPerTask: a.cpusPerTask,
        time: a.time,
        mem: a.mem,
        sbatchArgs: a.sbatchArgs,
        pollSeconds: a.poll,
        noWait: a.noWait,
      },
      signal: controller.signal,
      say: (l) => io.err(`${l}\n`),
    });
    if (a.summary) printSummary(r.dir, a, io);
    return r.exitCode;
  } catch (e) {
    if (e instanceof GridError || e instanceof SweepError) throw new RunUsageError(e.message);
    throw e;
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
  }
}
