import assert from "node:assert/strict";

const CHILD = new URL("../support/stop_signals_child.ts", import.meta.url).pathname;
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the child, sends `signals` (each after its delay in ms), returns what it printed. */
async function run(signals: [Deno.Signal, number][]): Promise<string[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CHILD, "1500"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  let out = "";
  let ready!: () => void;
  const isReady = new Promise<void>((r) => (ready = r));
  const reading = (async () => {
    for await (const t of child.stdout.pipeThrough(new TextDecoderStream())) {
      out += t;
      if (out.includes("ready\n")) ready();
    }
  })();
  await isReady; // listening (under load the child may take seconds to start)
  for (const [sig, after] of signals) {
    await wait(after);
    child.kill(sig);
  }
  await child.status;
  await reading;
  return out.trim().split("\n");
}

Deno.test({
  name:
    "stop signals: the first SIGINT aborts and says so; a copy within 500 ms is the same; a second one stops at once",
  sanitizeResources: false,
  async fn() {
    const lines = await run([["SIGINT", 0], ["SIGINT", 100], ["SIGTERM", 700]]);
    assert.equal(lines[0], "ready");
    assert.equal(
      lines[1],
      "train: SIGINT received; stopping after the current step (Ctrl-C again to stop at once)",
    );
    assert.equal(lines[2], "aborted SIGINT 130");
    assert.equal(lines[3], "train: SIGTERM again; stopping now");
    assert.equal(lines[4], "hard exit 130");
    assert.equal(lines.length, 5, "the copy 100 ms after the first counted as the same request");
  },
});

Deno.test({
  name: "stop signals: SIGTERM aborts with status 143",
  sanitizeResources: false,
  async fn() {
    const lines = await run([["SIGTERM", 0]]);
    assert.deepEqual(lines.slice(1), [
      "train: SIGTERM received; stopping after the current step (SIGTERM again to stop at once)",
      "aborted SIGTERM 143",
    ]);
  },
});
