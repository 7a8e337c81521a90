/**
 * The command line for PaddleSeg users: `train`, `val`, `predict` (run through npm:
 * `npm run train -- --config x.yml`). Each prints `--help`.
 *
 * @example
 * ```sh
 * npm run train -- --config configs/road.yml --iters 200 --save_dir out/road
 * npm run val -- --config configs/road.yml --model out/road/best_model
 * npm run predict -- --config configs/road.yml --model out/road/best_model --images data/val --out out/pred
 * ```
 * @module
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import { trainCommand } from "./train_command.ts";
import { valCommand } from "./val_command.ts";
import { predictCommand } from "./predict_command.ts";
import { reportError } from "./common.ts";

const COMMANDS: Record<string, (argv: readonly string[]) => Promise<number>> = {
  train: trainCommand,
  val: valCommand,
  predict: predictCommand,
};

/** Runs `argv[0]` with the rest of the arguments; returns the exit status. */
export async function main(argv: readonly string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  const run = COMMANDS[cmd];
  if (!run) {
    console.error(
      `seglab: ${cmd ? `unknown command "${cmd}"` : "no command"}; use one of ${
        Object.keys(COMMANDS).join(", ")
      } (each takes --help)`,
    );
    return 2;
  }
  return await run(rest);
}

function isEntry(): boolean {
  try {
    return process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
  } catch {
    return false;
  }
}

if (isEntry()) {
  // The wasm backend's worker threads (when present) keep the event loop alive: exit explicitly.
  main(process.argv.slice(2)).then((code) => process.exit(code), (e) => {
    process.exit(reportError(e, "seglab", { debug: process.argv.includes("--debug") }));
  });
}
