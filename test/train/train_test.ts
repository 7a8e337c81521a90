import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { DISPLAY, ready, tf } from "../../lib/mod.ts";
import { ConfigError } from "../../lib/config/mod.ts";
import {
  type Batch,
  type BatchOptions,
  CheckpointError,
  finetune,
  loadCheckpoint,
  type SegDataset,
  train,
  type TrainEvent,
  TrainingError,
  type TrainSpec,
} from "../../lib/train/mod.ts";
import { batches, shippedDataPath } from "../../datasets/mod.ts";
import { memoryBatches, memoryDataset } from "../support/memory_dataset.ts";
import { OCR_TINY as OCR_TINY_BASE } from "../support/tiny_ocrnet.ts";

await ready("wasm", { quiet: true });

// The shipped synthetic roads (MiniDeepGlobeRoadExtraction layout), 32×32 crops for speed.
const ROADS = shippedDataPath("synthetic-roads");
const TRAIN_DATASET = {
  type: "MiniDeepGlobeRoadExtraction",
  dataset_root: ROADS,
  transforms: [{ type: "RandomPaddingCrop", crop_size: [32, 32] }, { type: "RandomHorizontalFlip" }, {
    type: "Normalize",
  }],
  mode: "train",
};
const VAL_DATASET = {
  type: "MiniDeepGlobeRoadExtraction",
  dataset_root: ROADS,
  transforms: [{ type: "Normalize" }],
  mode: "val",
};

const UNET = { type: "UNet", num_classes: 2, base_channels: 4, depth: 2 };
const OCR_TINY = { ...OCR_TINY_BASE, num_classes: 2 };
const MIXED = (second: string, coef: [number, number]) => ({
  type: "MixedLoss",
  losses: [{ type: "CrossEntropyLoss" }, { type: second }],
  coef,
});

function spec(
  over: Omit<Partial<TrainSpec>, "config"> & { config?: Record<string, unknown> } = {},
): TrainSpec {
  return {
    eval: { maxSamples: 4 },
    progress: false,
    log: false,
    seed: 3,
    ...over,
    config: {
      batch_size: 4,
      iters: 6,
      train_dataset: TRAIN_DATASET,
      val_dataset: VAL_DATASET,
      model: UNET,
      loss: { types: [{ type: "CrossEntropyLoss" }], coef: [1] },
      optimizer: { type: "SGD", momentum: 0.9, weight_decay: 4e-5 },
      lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.05, power: 0.9, end_lr: 0 },
      ...over.config,
    },
  };
}

async function tmp(): Promise<string> {
  return await Deno.makeTempDir({ prefix: "seglab-train-" });
}

function weightsOf(m: { namedWeights(): { name: string; tensor: tf.Tensor }[] }): Map<string, Float32Array> {
  return new Map(m.namedWeights().map((w) => [w.name, w.tensor.dataSync() as Float32Array]));
}

function assertSameWeights(a: Map<string, Float32Array>, b: Map<string, Float32Array>, what: string): void {
  assert.deepEqual([...a.keys()], [...b.keys()], `${what}: names`);
  for (const [k, v] of a) assert.deepEqual(b.get(k), v, `${what}: ${k}`);
}

function withoutTime(rows: Record<string, number | null>[]) {
  return rows.map(({ sec: _, ...r }) => r);
}

Deno.test("recipe 1: OCRNet with MixedLoss [CE 0.8 + Lovász-Softmax 0.2] on [main, aux] with coef [1, 0.4] — loss decreases, terms and metrics recorded", async () => {
  const events: TrainEvent[] = [];
  const run = await train(spec({
    config: {
      iters: 5,
      model: OCR_TINY,
      loss: {
        types: [MIXED("LovaszSoftmaxLoss", [0.8, 0.2]), MIXED("LovaszSoftmaxLoss", [0.8, 0.2])],
        coef: [1, 0.4],
      },
    },
    evalInterval: 5,
    onProgress: (e) => events.push(e),
  }));
  try {
    const h = run.history;
    assert.deepEqual(h.terms, [
      "out0.CrossEntropyLoss",
      "out0.LovaszSoftmaxLoss",
      "out1.CrossEntropyLoss",
      "out1.LovaszSoftmaxLoss",
    ]);
    assert.equal(h.rows.length, 5);
    for (const r of h.rows) {
      const sum = h.terms.reduce((a, t) => a + (r[t] as number), 0);
      assert.ok(Math.abs(sum - (r.loss as number)) < 1e-5, `loss is the sum of the terms at iter ${r.iter}`);
    }
    const losses = h.rows.map((r) => r.loss as number);
    assert.ok(losses[4] < losses[0], `loss decreases: ${losses.map((l) => l.toFixed(3)).join(" ")}`);
    assert.ok(h.rows[0].lr === 0.05 && (h.rows[4].lr as number) < 0.05);
    const ev = h.lastEval!;
    assert.equal(ev.iter, 5);
    for (const k of ["mIoU", "acc", "kappa", "IoU.background", "IoU.road"]) {
      assert.ok(typeof ev[k] === "number", k);
    }
    assert.equal(run.best?.iter, 5);
    assert.deepEqual(events.filter((e) => e.type === "iter").map((e) => e.iter), [1, 2, 3, 4, 5]);
    assert.ok(events.some((e) => e.type === "eval" && e.best));
    assert.equal(run.config.seed, 3);
    assert.deepEqual((run.config.loss as { coef: number[] }).coef, [1, 0.4]);
    // The loss types received the dataset's ignore index.
    assert.equal(
      (run.config.loss as unknown as { types: { losses: { ignore_index: number }[] }[] }).types[0].losses[1]
        .ignore_index,
      255,
    );
    const fig = run.plot();
    assert.match(fig.svg, /validation/);
    // In a notebook the result shows a summary, the curves and the evaluation table.
    const shown = await run[DISPLAY]();
    assert.match(
      shown["text/plain"] as string,
      /^OCRNet\(HRNet_W18_Small_V1\), 2 classes, .*\n5\/5 iterations; best mIoU \d\.\d{4} at iter 5/,
    );
    assert.ok(
      shown["image/png"] && /<img src="data:image\/svg\+xml;base64,/.test(shown["text/html"] as string),
    );
    assert.match(
      h.toCSV().split("\n")[0],
      /^iter,lr,out0\.CrossEntropyLoss,.*,loss,sec,mIoU,acc,kappa,dice,mIoU_present,IoU\.background,IoU\.road$/,
    );
  } finally {
    run.dispose();
  }
});

Deno.test("checkpoints round-trip bit for bit; resuming after a kill reproduces the uninterrupted run's weights and history exactly", async () => {
  const dirA = await tmp(), dirB = await tmp();
  try {
    // The road recipe on OCRNet (dropout included): [CE + 0.01·Lovász hinge] on main and aux.
    const cfg = {
      iters: 6,
      model: OCR_TINY,
      loss: { types: [MIXED("LovaszHingeLoss", [1, 0.01])], coef: [1, 0.4] },
    };
    const a = await train(spec({ config: cfg, saveDir: dirA, saveInterval: 3, evalInterval: 3 }));
    const finalA = weightsOf(a.model);
    // The last checkpoint holds exactly the final weights, the optimizer state, the history.
    const ck = await loadCheckpoint(path.join(dirA, "iter_6"), { optimizer: true });
    assertSameWeights(
      new Map(Object.entries(ck.weights).map(([k, t]) => [k, t.dataSync() as Float32Array])),
      finalA,
      "iter_6",
    );
    assert.equal(ck.state!.iter, 6);
    assert.equal(ck.state!.seed, 3);
    assert.deepEqual(ck.state!.history, a.history.toJSON());
    assert.ok(
      Object.keys(ck.optimizer!.slots).length === a.model.trainableVariables.length,
      "one velocity per parameter",
    );
    assert.equal(ck.optimizer!.iterations, 6);
    ck.dispose();
    assert.ok(
      fs.existsSync(path.join(dirA, "best_model", "model.json")) &&
        fs.existsSync(path.join(dirA, "history.csv")),
    );

    // A run killed after its iteration-3 checkpoint, in the middle of iteration 5 …
    await assert.rejects(
      train(spec({
        config: cfg,
        saveDir: dirB,
        saveInterval: 3,
        evalInterval: 3,
        onProgress: (e) => {
          if (e.type === "iter" && e.iter === 5) throw new Error("killed");
        },
      })),
      /killed/,
    );
    assert.deepEqual(fs.readdirSync(dirB).filter((n) => n.startsWith("iter_")), ["iter_3"]);
    fs.mkdirSync(path.join(dirB, ".iter_6.tmp-123-abc")); // … leaving a half-written checkpoint behind
    // … resumes where its checkpoint stopped and ends exactly where the uninterrupted run did.
    const events: TrainEvent[] = [];
    const b = await train(
      spec({
        config: cfg,
        saveDir: dirB,
        saveInterval: 3,
        evalInterval: 3,
        resume: true,
        onProgress: (e) => events.push(e),
      }),
    );
    assert.deepEqual(events.filter((e) => e.type === "iter").map((e) => e.iter), [4, 5, 6]);
    assertSameWeights(weightsOf(b.model), finalA, "resumed");
    assert.deepEqual(withoutTime(b.history.toJSON()), withoutTime(a.history.toJSON()));
    assert.equal(b.best?.iter, a.best?.iter);
    // The best weights come back from best_model/ too.
    a.useBest();
    b.useBest();
    assertSameWeights(weightsOf(b.model), weightsOf(a.model), "best");
    a.dispose();
    b.dispose();
  } finally {
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
});

Deno.test("recipe 2: fine-tuning with a Lovász loss starts from the CE checkpoint's weights", async () => {
  const dir = await tmp();
  try {
    const ce = await train(spec({ saveDir: dir, saveInterval: 6, evalInterval: 3 }));
    const bestDir = path.join(dir, "best_model");
    const ck = await loadCheckpoint(bestDir);
    const ceWeights = new Map(Object.entries(ck.weights).map(([k, t]) => [k, t.dataSync() as Float32Array]));
    ck.dispose();
    let atStart: Map<string, Float32Array> | null = null;
    const ft = await finetune({
      from: bestDir,
      loss: { type: "LovaszSoftmaxLoss" },
      iters: 3,
      lr: 0.01,
      eval: { maxSamples: 4 },
      progress: false,
      log: false,
      onProgress: (e) => {
        if (e.type === "start") atStart = weightsOf(e.model);
      },
    });
    assertSameWeights(atStart!, ceWeights, "fine-tune start");
    assert.deepEqual(ft.history.terms, ["out0.LovaszSoftmaxLoss"]);
    assert.equal(ft.history.rows[0].lr, 0.01);
    // The schedule decays over the fine-tuning's 3 iterations, not the CE run's 6.
    assert.ok(
      Math.abs((ft.history.rows[2].lr as number) - 0.01 * Math.pow(1 / 3, 0.9)) < 1e-12,
      String(ft.history.rows[2].lr),
    );
    assert.equal(ft.iter, 3);
    assert.match(ft.startedFrom!, /best_model \(iteration \d\)/);
    // From an in-memory result too (no disk).
    const ft2 = await finetune({
      from: ce,
      loss: { type: "LovaszSoftmaxLoss" },
      iters: 1,
      doEval: false,
      progress: false,
      log: false,
    });
    assert.equal(ft2.history.rows.length, 1);
    ce.dispose();
    ft.dispose();
    ft2.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("no tensor leaks across a training run with evaluation and checkpoints", async () => {
  const dir = await tmp();
  try {
    const before = tf.memory().numTensors;
    const counts: number[] = [];
    const run = await train(spec({
      config: { iters: 7, loss: { types: [MIXED("LovaszSoftmaxLoss", [0.8, 0.2])], coef: [1] } },
      saveDir: dir,
      saveInterval: 3,
      evalInterval: 2,
      onProgress: (e) => {
        if (e.type === "iter") counts.push(tf.memory().numTensors);
      },
    }));
    // The optimizer creates its velocities at the first step; the first evaluation (iteration 2)
    // keeps a copy of the best weights; apart from that the count is flat.
    const n = run.model.namedWeights().length;
    assert.deepEqual(
      counts,
      [counts[0], counts[0], ...new Array(5).fill(counts[0] + n)],
      `numTensors per iteration: ${counts.join(" ")}`,
    );
    run.dispose();
    assert.equal(tf.memory().numTensors, before, "everything freed after dispose");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

/** The shipped batches, with the images of step 3 turned to NaN. */
async function* poisoned(ds: SegDataset, o: BatchOptions): AsyncIterableIterator<Batch> {
  for await (const b of batches(ds, o)) {
    if (b.step === 3) {
      const bad = tf.mul(b.images, NaN) as tf.Tensor4D;
      b.images.dispose();
      yield { ...b, images: bad };
    } else yield b;
  }
}

Deno.test("a NaN loss stops training with the iteration and the loss terms, keeping the last good checkpoint", async () => {
  const dir = await tmp();
  try {
    const err = await train(spec({
      config: { loss: { types: [MIXED("LovaszSoftmaxLoss", [0.8, 0.2])], coef: [1] } },
      batches: poisoned,
      saveDir: dir,
      saveInterval: 2,
      evalInterval: 100,
    })).then(() => null, (e) => e);
    assert.ok(err instanceof TrainingError, String(err));
    assert.match(
      err.message,
      /^iteration 4: the loss is NaN \(out0\.CrossEntropyLoss=NaN, out0\.LovaszSoftmaxLoss=NaN\); training stopped before this update\. The last good checkpoint is .*iter_2\. \(CrossEntropyLoss: logits contain non-finite values/,
    );
    assert.equal(err.iter, 4);
    assert.ok(Number.isNaN(err.terms["out0.CrossEntropyLoss"]));
    assert.equal(err.history.rows.length, 3);
    const ck = await loadCheckpoint(err.lastCheckpoint!);
    assert.ok(Object.values(ck.weights).every((t) => t.dataSync().every(Number.isFinite)));
    ck.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad runs are refused before training, naming the problem", async () => {
  let iterations = 0;
  const count = (e: TrainEvent) => {
    if (e.type === "iter") iterations++;
  };
  // OCRNet gives two outputs; a loss section with one type and one coef does not fit.
  await assert.rejects(
    train(spec({ config: { model: OCR_TINY }, onProgress: count })),
    (e: Error) =>
      e instanceof ConfigError &&
      /OCRNet\(HRNet_W18_Small_V1\) gives 2 outputs in training \(\[main, aux\]\) but loss\.types has 1 entry/
        .test(e.message),
  );
  await assert.rejects(
    train(spec({ config: { optimizer: { type: "SGD", momentum: "0.9x" } } })),
    /^ConfigError: optimizer\.momentum: expected a number, got "0\.9x"$|optimizer\.momentum: expected a number, got "0\.9x"/,
  );
  await assert.rejects(train(spec({ config: { iters: 0 } })), /iters: must be ≥ 1, got 0/);
  await assert.rejects(
    train(spec({ config: { loss: { types: [{ type: "CrossEntropyLoss", ignore_index: 0 }], coef: [1] } } })),
    /loss\.types\[0\]\.ignore_index: is 0 but the dataset's ignore_index is 255/,
  );
  await assert.rejects(
    train(spec({ config: { model: { ...UNET, num_classes: 3 } } })),
    /model\.num_classes: is 3 but the dataset has 2 classes/,
  );
  assert.equal(iterations, 0);
  // A checkpoint of another model is refused with both descriptions.
  const dir = await tmp();
  try {
    (await train(spec({ config: { iters: 2 }, saveDir: dir, saveInterval: 2, doEval: false }))).dispose();
    await assert.rejects(
      train(spec({ config: { iters: 4, model: { ...UNET, base_channels: 8 } }, saveDir: dir, resume: true })),
      (e: Error) =>
        e instanceof CheckpointError &&
        /holds UNet with 2 classes, but this model is UNet with 2 classes \(model\.base_channels differs\)/
          .test(e.message),
    );
    // A URL as pretrained that cannot be fetched (offline) is skipped with a warning; a local checkpoint loads.
    Deno.env.set("SEGLAB_OFFLINE", "1");
    const lines: string[] = [];
    const r = await train(
      spec({
        config: { iters: 1, model: { ...UNET, pretrained: "https://example.com/unet.pdparams" } },
        log: (l) => lines.push(l),
        doEval: false,
      }),
    );
    assert.ok(
      lines.some((l) =>
        /model\.pretrained: cannot download https:\/\/example\.com\/unet\.pdparams .*; starting from the model's initialisation/
          .test(l)
      ),
      lines.join("\n"),
    );
    r.dispose();
    const p = await train(
      spec({
        config: { iters: 1, model: { ...UNET, pretrained: path.join(dir, "iter_2") } },
        log: (l) => lines.push(l),
        doEval: false,
      }),
    );
    assert.ok(lines.some((l) => /model\.pretrained: loaded \d+ weights from .*iter_2/.test(l)));
    p.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("an abort signal stops the run after the current iteration with a usable result", async () => {
  const stop = new AbortController();
  const run = await train(spec({
    signal: stop.signal,
    doEval: false,
    onProgress: (e) => {
      if (e.type === "iter" && e.iter === 2) stop.abort();
    },
  }));
  try {
    assert.equal(run.completed, false);
    assert.equal(run.iter, 2);
    assert.equal(run.history.rows.length, 2);
  } finally {
    run.dispose();
  }
});

Deno.test("data set objects and a custom batch source train; a fine-tune from that run must be given them again", async () => {
  const dir = await tmp();
  try {
    const trainDataset = memoryDataset({ length: 8, size: 32 }),
      valDataset = memoryDataset({ length: 2, size: 32, mode: "val" });
    const run = await train({
      config: {
        batch_size: 4,
        iters: 2,
        model: UNET,
        loss: { types: [{ type: "CrossEntropyLoss" }], coef: [1] },
      },
      trainDataset,
      valDataset,
      batches: memoryBatches,
      saveDir: dir,
      progress: false,
      log: false,
      seed: 1,
    });
    assert.equal(run.history.lastEval?.iter, 2);
    run.dispose();
    await assert.rejects(
      finetune({
        from: path.join(dir, "best_model"),
        loss: { type: "LovaszSoftmaxLoss" },
        iters: 1,
        progress: false,
        log: false,
      }),
      /train_dataset: this run's data set was an object \(memory:\/\/roads-1-train\), not a config section; pass it again \(trainDataset\)/,
    );
    const ft = await finetune({
      from: path.join(dir, "best_model"),
      loss: { type: "LovaszSoftmaxLoss" },
      iters: 1,
      trainDataset,
      valDataset,
      batches: memoryBatches,
      progress: false,
      log: false,
    });
    assert.equal(ft.iter, 1);
    ft.dispose();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
