/**
 * How large a model / crop / batch trains on `wasm`, whose heap is capped at 4 GiB (wasm32).
 * For each crop size, doubles the batch of the reference U-Net (`bench/unet_small.ts`) until a
 * training step fails, each try in its own process (a failed allocation aborts the wasm
 * instance), and reports the heap each successful configuration needed. Prints one JSON document.
 *
 *   deno run -A bench/wasm_memory.ts [--sizes 128,256,512] [--max-batch 64] [--threads 2]
 */
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import os from "node:os";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    sizes: { type: "string", default: "128,256,512" },
    "max-batch": { type: "string", default: "64" },
    threads: { type: "string" },
  },
});
const script = new URL("./train_step.ts", import.meta.url).pathname;
const deno = Deno.execPath();

function tryConfig(size: number, batch: number) {
  const env = {
    ...Deno.env.toObject(),
    NO_COLOR: "1",
    ...(args.threads ? { SEGLAB_WASM_THREADS: args.threads } : {}),
  };
  const t = performance.now();
  const r = spawnSync(deno, [
    "run",
    "-A",
    script,
    "--backends",
    "wasm",
    "--steps",
    "1",
    "--no-torch",
    "--no-profile",
    "--batch",
    String(batch),
    "--size",
    String(size),
  ], { encoding: "utf8", env, maxBuffer: 64 << 20 });
  const seconds = Math.round((performance.now() - t) / 100) / 10;
  try {
    const res = JSON.parse(r.stdout).results[0];
    if (res.skipped || !Number.isFinite(res.loss)) throw new Error(res.skipped ?? "no loss");
    return { size, batch, ok: true, heap_mib: res.wasm_heap_mib, step_ms: res.median_ms, seconds };
  } catch {
    const err = (r.stderr || r.stdout || "").trim().split("\n").filter((l) =>
      /rror|abort|memory|OOM/i.test(l)
    ).pop();
    return { size, batch, ok: false, error: (err ?? `exit ${r.status}`).slice(0, 300), seconds };
  }
}

const results: Record<string, unknown>[] = [];
const largest: Record<string, unknown> = {};
for (const size of args.sizes.split(",").map(Number)) {
  for (let batch = 1; batch <= Number(args["max-batch"]); batch *= 2) {
    const r = tryConfig(size, batch);
    results.push(r);
    console.error(JSON.stringify(r));
    if (!r.ok) break;
    largest[String(size)] = { batch, heap_mib: r.heap_mib };
  }
}
console.log(JSON.stringify(
  {
    benchmark: "wasm_memory",
    network: "unet_small (bench/unet_small.ts), Adam, softmax cross entropy",
    heap_cap_mib: 4096,
    cpus: os.cpus().length,
    largest_batch_per_size: largest,
    tries: results,
  },
  null,
  2,
));
