/**
 * `npm run kernel:install -- [--user | --prefix P] [--name N] [--display-name D] [--check] [--env K=V]`
 *
 * Installs the seglab kernelspec: for this user by default (Jupyter's user data directory), or
 * under `P/share/jupyter/kernels/N` with `--prefix` (then run Jupyter with
 * `JUPYTER_PATH=P/share/jupyter`, or use the prefix of the Python environment Jupyter runs in).
 * @module
 */
import { installKernelspec, kernelspec } from "./kernelspec.ts";

const USAGE =
  `usage: npm run kernel:install -- [--user | --prefix DIR] [--name NAME] [--display-name TEXT] [--check] [--env KEY=VALUE]...
  --user          install for this user (default)
  --prefix DIR    install into DIR/share/jupyter/kernels/NAME
  --name NAME     kernel name (default: seglab)
  --display-name  name shown in kernel pickers
  --check         type-check every cell (cells opt out with // @nocheck)
  --env KEY=VAL   extra environment variable for the kernel (repeatable)`;

function fail(msg: string): never {
  console.error(`kernel:install: ${msg}\n${USAGE}`);
  Deno.exit(2);
}

if (import.meta.main) {
  const a = [...Deno.args];
  let prefix: string | undefined, name: string | undefined, displayName: string | undefined, check = false;
  const env: Record<string, string> = {};
  const value = (i: number, flag: string) => {
    const v = a[i + 1];
    if (v === undefined || v.startsWith("--")) fail(`${flag} needs a value`);
    return v;
  };
  for (let i = 0; i < a.length; i++) {
    const f = a[i];
    if (f === "--user") prefix = undefined;
    else if (f === "--prefix") prefix = value(i++, f);
    else if (f.startsWith("--prefix=")) prefix = f.slice(9);
    else if (f === "--name") name = value(i++, f);
    else if (f.startsWith("--name=")) name = f.slice(7);
    else if (f === "--display-name") displayName = value(i++, f);
    else if (f === "--check") check = true;
    else if (f === "--env") {
      const kv = value(i++, f);
      const eq = kv.indexOf("=");
      if (eq <= 0) fail(`--env expects KEY=VALUE, got "${kv}"`);
      env[kv.slice(0, eq)] = kv.slice(eq + 1);
    } else if (f === "--help" || f === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else fail(`unknown argument "${f}"`);
  }
  try {
    const dir = await installKernelspec({ prefix, name, displayName, check, env });
    const spec = kernelspec({ name, displayName, check, env });
    console.log(`installed kernelspec "${name ?? "seglab"}" in ${dir}`);
    console.log(`  runs: ${spec.argv.join(" ")}`);
    if (prefix) {
      console.log(
        `  use it with JUPYTER_PATH=${prefix}/share/jupyter (or a Jupyter whose prefix is ${prefix})`,
      );
    }
  } catch (e) {
    console.error(`kernel:install: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
