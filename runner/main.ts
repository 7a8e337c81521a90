/**
 * Entry point of `npm run nb -- …` (`deno run -A runner/main.ts …`): see `cli.ts` for the
 * commands and `run_notebook.ts` for what a run does.
 * @module
 */
import process from "node:process";
import { nbMain } from "./cli.ts";

if (import.meta.main) {
  try {
    process.exit(await nbMain(process.argv.slice(2)));
  } catch (e) {
    console.error(`seglab nb: internal error: ${(e as Error).stack ?? e}`);
    process.exit(70);
  }
}
