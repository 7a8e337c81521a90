/**
 * Each phase of a training run on its own: `prepareRun` (config → data, model, loss, optimizer,
 * schedule, state), `trainStep` (one update, recorded), `evaluationPhase` (best kept),
 * `saveIterCheckpoint` (written, pruned) and a resume restored by `prepareRun`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ready, tf } from "../../lib/mod.ts";
import { ConfigError } from "../../lib/config/config_error.ts";
import { prepareRun, resolveRunConfig } from "../../lib/train/prepare_run.ts";
import { disposeTrainState } from "../../lib/train/run_state.ts";
import { logStep, trainStep } from "../../lib/train/train_step.ts";
import { evaluationPhase, shouldEvaluate } from "../../lib/train/evaluation_phase.ts";
import { saveIterCheckpoint, shouldCheckpoint } from "../../lib/train/checkpoint_phase.ts";
import { stopRequested } from "../../lib/train/train.ts";
import type { TrainSpec } from "../../lib/train/train_types.ts";
import { memoryBatches, memoryDataset } from "../support/memory_dataset.ts";

await ready("wasm", { quiet: true });

const UNET = { type: "UNet", num_classes: 2, base_channels: 4, depth: 2 };

function spec(over: Partial<TrainSpec> = {}): TrainSpec {
  return {
    config: {
      batch_size: 2,
      iters: 4,
      model: UNET,
      loss: { types: [{ type: "CrossEntropyLoss" }], coef: [1] },
      optimizer: { type: "SGD", momentum: 0.9, weight_decay: 4e-5 },
      lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.05, power: 0.9, end_lr: 0 },
    },
    trainDataset: memoryDataset({ length: 4, size: 16 }),
    valDataset: memoryDataset({ length: 2, size: 16, mode: "val" }),
    batches: memoryBatches,
    progress: false,
    log: false,
    seed: 5,
    ...over,
  };
}

async function firstBatch(s: TrainSpec) {
  const it = memoryBatches(s.trainDataset!, {
    batchSize: 2,
    shuffle: true,
    seed: 5,
    dropLast: true,
    loop: true,
    startStep: 0,
  });
  const b = (await it.next()).value;
  await it.return?.(undefined);
  return b;
}

Deno.test("resolveRunConfig turns code overrides into config sections and fills PaddleSeg's defaults", () => {
  const lines: string[] = [];
  const { cfg } = resolveRunConfig({
    config: { model: UNET, loss: { types: [{ type: "CrossEntropyLoss" }], coef: [1] } },
    learningRate: 0.2,
  }, (l) => lines.push(l));
  assert.deepEqual(cfg.optimizer, { type: "SGD", momentum: 0.9, weight_decay: 4.0e-5 });
  assert.equal((cfg.lr_scheduler as Record<string, unknown>).learning_rate, 0.2);
  assert.equal((cfg.lr_scheduler as Record<string, unknown>).type, "PolynomialDecay");
  assert.ok(lines.some((l) => /no optimizer given/.test(l)));
});

Deno.test("prepareRun builds data, model, loss, optimizer and schedule, and refuses a bad loss before training", async () => {
  const { run, state } = await prepareRun(spec());
  try {
    assert.equal(run.settings.iters, 4);
    assert.equal(run.seed, 5);
    assert.equal(run.model.numClasses, 2);
    assert.equal(run.loss.types.length, run.model.numOutputs);
    assert.equal(run.named.length, run.model.net.trainableWeights.length);
    assert.ok(run.doEval);
    assert.ok(run.lrOf(0) > run.lrOf(3));
    assert.equal(state.iter, 0);
    assert.equal(state.history.rows.length, 0);
  } finally {
    run.model.dispose();
    run.optimizer.dispose();
    run.lock?.release(); // prepareRun locked the save folder (train releases it at its end)
  }
  const before = tf.memory().numTensors;
  await assert.rejects(
    prepareRun(
      spec({ loss: { types: [{ type: "CrossEntropyLoss" }, { type: "CrossEntropyLoss" }], coef: [1, 1] } }),
    ),
    (e) => e instanceof ConfigError && /loss\.types has 2 entries/.test(e.message),
  );
  assert.equal(tf.memory().numTensors, before, "a refused run frees what it built");
});

Deno.test("trainStep updates the weights once, records the iteration and frees the batch and the gradients", async () => {
  const s = spec();
  const { run, state } = await prepareRun(s);
  try {
    const w0 = run.named[0].variable.dataSync().slice();
    const batch = await firstBatch(s);
    const before = tf.memory().numTensors;
    const step = await trainStep(run, state, batch);
    assert.equal(step.iter, 1);
    assert.equal(state.iter, 1);
    assert.ok(Number.isFinite(step.loss) && step.loss > 0);
    assert.equal(step.lr, run.lrOf(0));
    assert.equal(state.history.rows.length, 1);
    assert.equal(state.history.rows[0].loss, step.loss);
    assert.ok(batch.images.isDisposed && batch.labels.isDisposed);
    const w1 = run.named[0].variable.dataSync();
    assert.ok(w1.some((v, i) => v !== w0[i]), "the optimizer changed the weights");
    // The only tensors left are the optimizer's new slots (SGD momentum: one per variable); the batch is gone.
    assert.equal(tf.memory().numTensors, before - 2 + run.named.length);
    const lines: string[] = [];
    logStep(
      { ...run, log: (l) => lines.push(l), settings: { ...run.settings, logIters: 1 } },
      state,
      step,
      0,
      0.01,
    );
    assert.match(lines[0], /^\[TRAIN\] epoch: 1, iter: 1\/4, loss: /);
  } finally {
    run.model.dispose();
    run.optimizer.dispose();
    run.lock?.release(); // prepareRun locked the save folder (train releases it at its end)
  }
});

Deno.test("the evaluation phase keeps the best weights, and the checkpoint phase writes and prunes iter_<k>", async () => {
  const dir = fs.mkdtempSync(path.join(Deno.makeTempDirSync(), "phases-"));
  const s = spec({ saveDir: dir, keepCheckpointMax: 1, evalInterval: 1, saveInterval: 1 });
  const { run, state } = await prepareRun(s);
  try {
    assert.ok(!shouldEvaluate(run, 0) || run.settings.evalInterval === 1);
    state.iter = 1;
    assert.ok(shouldEvaluate(run, 1) && shouldCheckpoint(run, 1));
    const improved = await evaluationPhase(run, state);
    assert.ok(improved);
    assert.equal(state.best?.iter, 1);
    assert.equal(state.bestWeights?.size, run.model.namedWeights().length);
    assert.ok(fs.existsSync(path.join(dir, "best_model", "model.json")));
    assert.equal(state.history.lastEval?.iter, 1);
    const first = await saveIterCheckpoint(run, state);
    assert.equal(first, path.join(dir, "iter_1"));
    state.iter = 2;
    const second = await saveIterCheckpoint(run, state);
    assert.equal(state.lastCheckpoint, second);
    assert.ok(!fs.existsSync(first), "keep_checkpoint_max 1 removed the older checkpoint");
    assert.ok(fs.existsSync(path.join(dir, "history.csv")));
  } finally {
    disposeTrainState(state);
    run.model.dispose();
    run.optimizer.dispose();
    run.lock?.release(); // prepareRun locked the save folder (train releases it at its end)
  }
  // Preparing a resume restores the iteration, the history and the best evaluation.
  const again = await prepareRun({ ...s, resume: true, seed: undefined });
  try {
    assert.equal(again.state.iter, 2);
    assert.equal(again.state.best?.iter, 1);
    assert.equal(again.state.lastCheckpoint, path.join(dir, "iter_2"));
    assert.equal(again.run.seed, 5);
  } finally {
    disposeTrainState(again.state);
    again.run.model.dispose();
    again.run.optimizer.dispose();
    again.run.lock?.release();
    fs.rmSync(path.dirname(dir), { recursive: true, force: true });
  }
});

Deno.test("stopRequested reads the run's abort signal", async () => {
  const ctl = new AbortController();
  const { run } = await prepareRun(spec({ signal: ctl.signal }));
  try {
    assert.equal(stopRequested(run), false);
    ctl.abort();
    assert.equal(stopRequested(run), true);
  } finally {
    run.model.dispose();
    run.optimizer.dispose();
    run.lock?.release(); // prepareRun locked the save folder (train releases it at its end)
  }
});
