/**
 * Stopping a run (signal), saving on stop, resuming from that save, the save folder's lock and
 * debris clean-up, as a user meets them through `train()`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ready, tf } from "../../lib/mod.ts";
import {
  listCheckpoints,
  LOCK_FILE,
  LockError,
  train,
  type TrainEvent,
  type TrainSpec,
} from "../../lib/train/mod.ts";
import { memoryBatches, memoryDataset } from "../support/memory_dataset.ts";

await ready("wasm", { quiet: true });

const UNET = { type: "UNet", num_classes: 2, base_channels: 4, depth: 2 };

function spec(saveDir: string, over: Partial<TrainSpec> = {}): TrainSpec {
  return {
    config: {
      batch_size: 2,
      iters: 12,
      model: UNET,
      loss: { types: [{ type: "CrossEntropyLoss" }], coef: [1] },
    },
    trainDataset: memoryDataset({ length: 8, size: 16 }),
    valDataset: memoryDataset({ length: 2, size: 16, mode: "val" }),
    batches: memoryBatches,
    saveDir,
    saveInterval: 5,
    evalInterval: 5,
    progress: false,
    log: false,
    seed: 5,
    ...over,
  };
}

const tmp = () => Deno.makeTempDirSync({ prefix: "seglab-stop-" });

Deno.test("a stopped run saves iter_<N> where it stopped, says so, holds no tensors, and resumes from there", async () => {
  const dir = tmp();
  try {
    const stop = new AbortController();
    const lines: string[] = [];
    const events: TrainEvent[] = [];
    const before = tf.memory().numTensors;
    const run = await train(spec(dir, {
      signal: stop.signal,
      log: (l) => lines.push(l),
      onProgress: (e) => {
        events.push(e);
        if (e.type === "iter" && e.iter === 7) {
          assert.ok(fs.existsSync(path.join(dir, LOCK_FILE)), "the save folder is locked while training");
          stop.abort("SIGINT");
        }
      },
    }));
    assert.equal(run.completed, false);
    assert.equal(run.iter, 7);
    assert.deepEqual(run.stopped, { iter: 7, reason: "SIGINT", checkpoint: path.join(dir, "iter_7") });
    assert.equal(run.lastCheckpoint, path.join(dir, "iter_7"));
    assert.deepEqual(listCheckpoints(dir).map((c) => c.iter), [5, 7]);
    assert.equal(
      lines.filter((l) => /^train: stopped \(SIGINT\) at iteration 7 of 12; saved .*iter_7/.test(l)).length,
      1,
    );
    assert.ok(events.some((e) => e.type === "stopped" && e.checkpoint === path.join(dir, "iter_7")));
    assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false, "the lock is released");
    run.dispose();
    assert.equal(tf.memory().numTensors, before, "no tensors left by the stopped run");

    const resumed = await train(spec(dir, { resume: true }));
    assert.equal(resumed.completed, true);
    assert.equal(resumed.iter, 12);
    assert.equal(resumed.history.rows.filter((r) => r.loss !== undefined && r.loss !== null).length, 12);
    resumed.dispose();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("saveOnStop: false writes nothing at the stop and says so", async () => {
  const dir = tmp();
  try {
    const stop = new AbortController();
    const lines: string[] = [];
    const run = await train(spec(dir, {
      signal: stop.signal,
      saveOnStop: false,
      log: (l) => lines.push(l),
      onProgress: (e) => e.type === "iter" && e.iter === 3 && stop.abort(),
    }));
    assert.equal(run.stopped?.checkpoint, null);
    assert.deepEqual(listCheckpoints(dir), []);
    assert.match(lines.join("\n"), /not saved \(saveOnStop: false\)/);
    run.dispose();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("two trainers on one folder: the second is refused naming the first; after it stops, a resume works", async () => {
  const dir = tmp();
  try {
    const stop = new AbortController();
    let second: Promise<unknown> | undefined;
    const first = train(spec(dir, {
      signal: stop.signal,
      onProgress: (e) => {
        if (e.type === "iter" && e.iter === 2 && !second) {
          second = train(spec(dir, { resume: true })).then(
            () => assert.fail("a second trainer ran beside the first"),
            (e) => e,
          );
          second.then(() => stop.abort());
        }
      },
    }));
    const run = await first;
    const err = await second as Error;
    assert.ok(err instanceof LockError, String(err));
    assert.match(err.message, new RegExp(`${dir} is in use by another trainer in this process`));
    run.dispose();
    const again = await train(spec(dir, { resume: true, iters: 12 }));
    assert.equal(again.iter, 12);
    again.dispose();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("leftovers of an interrupted save are removed when the next run starts, and never resumed from", async () => {
  const dir = tmp();
  try {
    fs.mkdirSync(path.join(dir, ".iter_9.tmp-4242-abc"));
    fs.writeFileSync(path.join(dir, ".iter_9.tmp-4242-abc", "model.weights.bin"), "partial");
    const lines: string[] = [];
    const run = await train(spec(dir, { resume: true, iters: 2, log: (l) => lines.push(l) }));
    assert.equal(fs.existsSync(path.join(dir, ".iter_9.tmp-4242-abc")), false);
    assert.match(lines.join("\n"), /removed 1 partial folder\(s\) \(\.iter_9\.tmp-4242-abc\)/);
    assert.match(lines.join("\n"), /resume: no checkpoint/);
    run.dispose();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
