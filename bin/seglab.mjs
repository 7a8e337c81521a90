#!/usr/bin/env node
// seglab's command-line launcher (package.json "bin" and the npm scripts): runs the real Deno
// binary that npm installed on one of seglab's entry points, so that signals, exit codes and
// the process tree behave as the user expects. Plain Node ESM, no dependencies.
//
//   seglab train|val|predict …   lib/cli/main.ts
//   seglab nb …                  the notebook runner (runner/main.ts, else kernel/run/main.ts)
//   seglab kernel install …      kernel/install.ts
//
// Why not `node_modules/.bin/deno`: that is npm's Node wrapper (spawnSync), which forwards no
// signal, so SIGTERM to `npm run train` left Deno training on its own. Here:
// - Deno is spawned with stdio inherited, in this process's group (a terminal's Ctrl-C reaches
//   it directly); SIGINT, SIGTERM and SIGHUP sent to this process are forwarded to it (the same
//   signal arriving twice within 500 ms — the terminal's copy and npm's forwarded copy of one
//   Ctrl-C — is forwarded once, and Deno's side treats such a burst as one request too).
// - npm runs a script through `sh -c`, and sh keeps a SIGINT to itself and dies of a SIGTERM
//   without passing either on; so the npm scripts say `exec node bin/seglab.mjs …` (sh becomes
//   the launcher), and npm's forwarding of SIGINT/SIGTERM reaches the launcher directly. If the
//   launcher's own parent dies (npm killed with SIGKILL), it passes SIGTERM on to Deno.
// - The launcher exits with Deno's status, or 128 + the signal's number when Deno died of one
//   (130 for SIGINT, 143 for SIGTERM), as a shell reports it.
// - Deno dies with its parent: Deno runs with `--preload lib/core/parent_watch.ts`, which
//   polls `process.ppid` (every 200 ms, unref'd) and, when it changes (this launcher is gone, even
//   by SIGKILL, and Deno was re-parented), sends itself SIGTERM: a trainer stops and saves as on
//   any SIGTERM, anything else ends. SEGLAB_PARENT_PID tells it which parent to watch.
// - The working directory is the caller's: process.cwd() for `npx seglab`; for an npm script
//   (npm runs scripts in the package root) INIT_CWD, the folder `npm run` was typed in.
//   `--package-cwd` (first argument) keeps the package root instead (the `demo` script's paths
//   are relative to it).
import { spawn } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { constants } from "node:os";
import { dirname, join, resolve } from "node:path";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"];

const USAGE = `usage: seglab <command> [options]
  seglab train|val|predict --config x.yml …   PaddleSeg-style training, evaluation, prediction
  seglab nb run notebook.ipynb …               run a notebook headless (seglab nb --help)
  seglab kernel install [--user|--prefix P]     install the Jupyter kernelspec
each command takes --help`;

/** The entry point and its arguments for `argv` (the launcher's arguments). */
export function entryFor(argv, root = ROOT) {
  const [cmd, ...rest] = argv;
  if (cmd === "train" || cmd === "val" || cmd === "predict") {
    return { file: join(root, "lib/cli/main.ts"), args: [cmd, ...rest] };
  }
  if (cmd === "nb") {
    const moved = join(root, "runner/main.ts");
    return { file: existsSync(moved) ? moved : join(root, "kernel/run/main.ts"), args: rest };
  }
  if (cmd === "kernel") {
    if (rest[0] === "install") return { file: join(root, "kernel/install.ts"), args: rest.slice(1) };
    return {
      error: `kernel: unknown subcommand ${rest[0] ? `"${rest[0]}"` : "(none)"}; use: seglab kernel install`,
    };
  }
  return { error: cmd ? `unknown command "${cmd}"` : "no command" };
}

/** The real Deno executable: $SEGLAB_DENO, npm's `deno` package (its binary), its platform package, PATH. */
export function findDeno(root = ROOT) {
  const env = process.env.SEGLAB_DENO;
  if (env) return env;
  const exe = process.platform === "win32" ? "deno.exe" : "deno";
  const require = createRequire(join(root, "package.json"));
  try {
    const pkg = dirname(require.resolve("deno/package.json"));
    if (existsSync(join(pkg, exe))) return join(pkg, exe);
  } catch { /* not installed here */ }
  const arch = process.arch === "arm64" ? "arm64" : "x64";
  const target = process.platform === "linux"
    ? `linux-${arch}-glibc`
    : process.platform === "darwin"
    ? `darwin-${arch}`
    : `win32-${arch}`;
  try {
    const pkg = dirname(require.resolve(`@deno/${target}/package.json`));
    if (existsSync(join(pkg, exe))) return join(pkg, exe);
  } catch { /* not installed here */ }
  return exe; // on PATH, if anywhere
}

/** The caller's working directory (see the header). */
export function callerCwd(packageCwd = false) {
  if (packageCwd) return ROOT;
  const init = process.env.INIT_CWD;
  const cwd = process.cwd();
  let inRoot = false;
  try {
    inRoot = realpathSync(cwd) === realpathSync(ROOT);
  } catch { /* compare failed: not the root */ }
  if (init && inRoot && existsSync(init)) return init;
  return cwd;
}

function main() {
  let argv = process.argv.slice(2);
  const packageCwd = argv[0] === "--package-cwd";
  if (packageCwd) argv = argv.slice(1);
  if (argv[0] === "--help" || argv[0] === "-h") {
    console.log(USAGE);
    return;
  }
  const entry = entryFor(argv);
  if (entry.error) {
    console.error(`seglab: ${entry.error}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const deno = findDeno();
  const denoArgs = [
    "run",
    "-A",
    `--config=${join(ROOT, "deno.json")}`,
    `--preload=${join(ROOT, "lib/core/parent_watch.ts")}`,
    entry.file,
    ...entry.args,
  ];
  const child = spawn(deno, denoArgs, {
    cwd: callerCwd(packageCwd),
    stdio: "inherit",
    env: { ...process.env, SEGLAB_PARENT_PID: String(process.pid) },
  });
  const last = new Map();
  for (const sig of FORWARDED) {
    process.on(sig, () => {
      const now = Date.now();
      if (now - (last.get(sig) ?? -Infinity) < 500) return;
      last.set(sig, now);
      try {
        child.kill(sig);
      } catch { /* already gone */ }
    });
  }
  // When whatever started the launcher dies (npm killed with SIGKILL, a closed terminal), the
  // launcher is re-parented: pass SIGTERM on to Deno (which saves and ends), then end with it.
  const parent = process.ppid;
  if (parent > 1) {
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      clearInterval(watch);
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
    }, 250);
    watch.unref();
  }
  child.on("error", (e) => {
    console.error(
      `seglab: cannot start Deno (${deno}): ${e.message}; run \`npm install\` in ${ROOT} (it installs Deno) or set SEGLAB_DENO`,
    );
    process.exit(127);
  });
  child.on("exit", (code, signal) => {
    process.exit(signal ? 128 + (constants.signals[signal] ?? 0) : code ?? 1);
  });
}

if (process.argv[1] && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) main();
