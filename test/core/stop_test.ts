/**
 * `stopWatch` and the library work that watches it: evaluate, predict and batches stop at the
 * next image or batch when their signal aborts, raise a StoppedError saying where, and leave no
 * tensors behind; in a kernel the running cell's signal is picked up by default.
 */
import assert from "node:assert/strict";
import { createModel, ready, tf } from "../../lib/mod.ts";
import { evaluate, predict, StoppedError } from "../../lib/train/mod.ts";
import { stopWatch } from "../../lib/core/stop.ts";
import { batches } from "../../datasets/mod.ts";
import { memoryDataset } from "../support/memory_dataset.ts";

await ready("wasm", { quiet: true });

const KERNEL = Symbol.for("seglab.kernel");

Deno.test("stopWatch: an explicit signal, the kernel cell's signal by default, null for none", () => {
  const own = new AbortController();
  assert.equal(stopWatch(own.signal).requested(), false);
  own.abort("SIGTERM");
  const w = stopWatch(own.signal);
  assert.equal(w.requested(), true);
  assert.equal(w.reason(), "SIGTERM");
  assert.equal(w.byInterrupt(), false);

  // A fake kernel API as the seglab kernel installs it.
  const cell = new AbortController();
  let flag = false;
  (globalThis as Record<symbol, unknown>)[KERNEL] = {
    cellSignal: () => cell.signal,
    interruptRequested: () => flag,
  };
  try {
    const k = stopWatch();
    assert.equal(k.requested(), false);
    flag = true; // the I/O thread set the flag; the main thread has not seen the message yet
    assert.equal(k.requested(), true);
    assert.equal(k.reason(), "interrupt");
    assert.equal(k.byInterrupt(), true);
    flag = false;
    const k2 = stopWatch(new AbortController().signal);
    const e = new Error("Interrupted");
    e.name = "InterruptError";
    cell.abort(e);
    assert.equal(k2.requested(), true);
    assert.equal(k2.reason(), "interrupt");
    assert.equal(stopWatch(null).requested(), false, "null watches nothing, not even the cell");
  } finally {
    delete (globalThis as Record<symbol, unknown>)[KERNEL];
  }
});

Deno.test("evaluate, predict and batches stop at the next image or batch with a StoppedError and free their tensors", async () => {
  const model = createModel({ type: "UNet", num_classes: 2, base_channels: 4, depth: 2 }, { seed: 1 });
  const ds = memoryDataset({ length: 12, size: 16, mode: "val" });
  try {
    const before = tf.memory().numTensors;
    const stop = new AbortController();
    let seen = 0;
    const counting = { get: async (i: number) => (++seen === 5 && stop.abort("SIGINT"), await ds.get(i)) };
    await assert.rejects(
      evaluate(model, ds, { samples: counting, batchSize: 1, signal: stop.signal }),
      (e) => {
        assert.ok(e instanceof StoppedError);
        assert.match(e.message, /^evaluate: stopped \(SIGINT\) after 4 of 12 images; no metrics$/);
        assert.equal(e.at, 4);
        return true;
      },
    );
    assert.equal(tf.memory().numTensors, before);

    const stop2 = new AbortController();
    const dir = await Deno.makeTempDir();
    try {
      const p = predict(model, {
        ...ds,
        get: async (i: number) => (i === 3 && stop2.abort(), await ds.get(i)),
      }, {
        outDir: dir,
        signal: stop2.signal,
      });
      await assert.rejects(
        p,
        /^StoppedError: predict: stopped \(aborted\) after 4 of 12 images; their masks are in/,
      );
      assert.equal([...Deno.readDirSync(`${dir}/pseudo_color_prediction`)].length, 4);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
    assert.equal(tf.memory().numTensors, before);

    const stop3 = new AbortController();
    const steps: number[] = [];
    await assert.rejects(
      (async () => {
        for await (const b of batches(ds, { batchSize: 2, loop: true, signal: stop3.signal })) {
          steps.push(b.step);
          tf.dispose([b.images, b.labels]);
          if (b.step === 2) stop3.abort();
        }
      })(),
      /StoppedError: batches: stopped \(aborted\) before step 3/,
    );
    assert.deepEqual(steps, [0, 1, 2]);
    assert.equal(tf.memory().numTensors, before);
  } finally {
    model.dispose();
  }
});
