/**
 * A subprocess for the stop-signal tests (Deno's test runner keeps SIGINT for itself): listens
 * like a command, prints each note and the exits it would make, and ends after `Deno.args[0]` ms.
 */
import { onStopSignals } from "../../lib/cli/stop_signals.ts";

const stop = onStopSignals("train", {
  print: (l) => console.log(l),
  hardExit: (c) => console.log(`hard exit ${c}`),
});
stop.signal.addEventListener("abort", () => console.log(`aborted ${stop.signal.reason} ${stop.exitCode()}`));
console.log("ready");
await new Promise((r) => setTimeout(r, Number(Deno.args[0] ?? 3000)));
stop.dispose();
