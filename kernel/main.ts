/**
 * The kernel's command line — what the kernelspec's argv runs:
 *
 * ```sh
 * deno run -A kernel/main.ts [--check] [--debug] <connection_file>
 * ```
 *
 * A connection file that is missing or unreadable ends the process with a message saying so
 * (exit code 2).
 * @module
 */
import { startKernel } from "./kernel.ts";
import { ConnectionFileError } from "./protocol/connection.ts";

const USAGE = "usage: deno run -A kernel/main.ts [--check] [--debug] <connection_file>";

function fail(message: string, code = 2): never {
  console.error(`seglab kernel: ${message}`);
  Deno.exit(code);
}

if (import.meta.main) {
  const args = [...Deno.args];
  let check = false, debug = false;
  let file: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--check") check = true;
    else if (a === "--debug") debug = true;
    else if (a === "-f" || a === "--connection-file") file = args[++i];
    else if (a === "--help" || a === "-h") {
      console.log(USAGE);
      Deno.exit(0);
    } else if (a.startsWith("-")) fail(`unknown option ${a}\n${USAGE}`);
    else file = a;
  }
  if (!file) fail(`no connection file given\n${USAGE}`);
  try {
    const k = await startKernel({ connectionFile: file, check, debug });
    await k.finished;
    Deno.exit(0);
  } catch (e) {
    if (e instanceof ConnectionFileError) fail(e.message);
    fail((e as Error).message ?? String(e), 1);
  }
}
