/**
 * The kernel told to go without a shutdown request (SIGTERM, or its client gone) interrupts the
 * running cell — training stops after its step and saves — and then exits.
 */
import assert from "node:assert/strict";
import { stopThenExit } from "../../kernel/stop_then_exit.ts";
import { KernelConnection, seglabKernelSpec, spawnKernel } from "../../runner/mod.ts";

Deno.test("stopThenExit: interrupts a busy cell and exits once it ends; idle exits at once; asked twice, stops once", async () => {
  const events: string[] = [];
  let busy = true;
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const target = {
    interrupt: () => {
      events.push("interrupt");
      setTimeout(() => (busy = false), 300); // the cell stops and saves
    },
    busy: () => busy,
    flag,
    log: () => {},
    exit: (code: number) => events.push(`exit ${code}`),
  };
  stopThenExit(target)("SIGTERM", 143);
  assert.equal(flag[0], 1, "loops see the interrupt at once");
  assert.deepEqual(events, ["interrupt"], "no exit while the cell runs");
  await new Promise((r) => setTimeout(r, 600));
  assert.deepEqual(events, ["interrupt", "exit 143"]);

  const idle: string[] = [];
  stopThenExit({ ...target, busy: () => false, exit: (c) => idle.push(`exit ${c}`) })("SIGTERM", 143);
  assert.deepEqual(idle, ["exit 143"]);

  const twice: string[] = [];
  let interrupts = 0, stillBusy = true;
  const stop = stopThenExit({
    ...target,
    busy: () => stillBusy,
    interrupt: () => {
      interrupts++;
      setTimeout(() => (stillBusy = false), 100);
    },
    exit: (c) => twice.push(`exit ${c}`),
  });
  stop("SIGTERM", 143);
  stop("SIGTERM", 143); // the I/O worker ends the process on a second SIGTERM; here nothing more happens
  await new Promise((r) => setTimeout(r, 400));
  assert.equal(interrupts, 1);
  assert.deepEqual(twice, ["exit 143"]);

  const capped: string[] = [];
  stopThenExit(
    { ...target, busy: () => true, interrupt: () => {}, exit: (c) => capped.push(`exit ${c}`) },
    200,
  )(
    "gone",
    0,
  );
  await new Promise((r) => setTimeout(r, 500));
  assert.deepEqual(capped, ["exit 0"], "a cell that never ends is given graceMs");
});

Deno.test("kernel: SIGTERM during a training cell saves where training stopped, then the kernel exits 143", async () => {
  const dir = await Deno.makeTempDir({ prefix: "seglab-sigterm-" });
  const save = `${dir}/run`;
  const memory = new URL("../support/memory_dataset.ts", import.meta.url).href;
  const k = await spawnKernel(seglabKernelSpec(), { cwd: dir });
  const client = new KernelConnection(k.connection);
  try {
    await client.waitForReady({ timeoutMs: 60_000 });
    let iter = 0;
    const seen: string[] = [];
    client.onIopub((m) => {
      seen.push(JSON.stringify(m.content).slice(0, 300));
      const text = String((m.content as { text?: string }).text ?? "");
      const hit = text.match(/iter: (\d+)\//g);
      if (hit) iter = Number(hit.at(-1)!.match(/\d+/)![0]);
    });
    client.send("shell", "execute_request", {
      code: `import { ready, train } from "seglab";
import { memoryBatches, memoryDataset } from "${memory}";
await ready("wasm", { quiet: true });
await train({
  config: { batch_size: 2, iters: 1000000, model: { type: "UNet", num_classes: 2, base_channels: 4, depth: 2 },
    loss: { types: [{ type: "CrossEntropyLoss" }], coef: [1] } },
  trainDataset: memoryDataset({ length: 8, size: 16 }), valDataset: null, batches: memoryBatches,
  saveDir: ${JSON.stringify(save)}, saveInterval: 1000000, progress: false, log: false, seed: 3,
  onProgress: (e) => { if (e.type === "iter") console.log(\`iter: \${e.iter}/\`); },
});`,
      silent: false,
    });
    const t0 = Date.now();
    while (iter < 3 && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    assert.ok(iter >= 3, `training ran (iteration ${iter}): ${seen.join("\n")}`);
    k.signal("SIGTERM");
    const exit = await k.exited;
    assert.equal(exit.code, 143, `${JSON.stringify(exit)}\n${k.tail()}`);
    const saved = [...Deno.readDirSync(save)].map((e) => e.name).filter((n) => /^iter_\d+$/.test(n));
    assert.equal(saved.length, 1, `one checkpoint, written by the stop: ${saved}`);
    assert.ok(Number(saved[0].slice(5)) >= 3);
    assert.match(k.tail(), /SIGTERM: interrupting the running cell/);
  } finally {
    await client.close();
    if (!k.exit) await k.kill(1000);
    await Deno.remove(dir, { recursive: true });
  }
});
