/**
 * Phase 2 of a training run: one iteration. The model runs in training mode on a batch (every
 * output, PaddleSeg's order, with a per-step forward seed), the loss config gives its named terms,
 * their sum is differentiated, and the optimizer applies the gradients at the scheduled learning
 * rate. A non-finite loss stops the run before the update (`TrainingError`). The completed
 * iteration goes into the state's history; the batch's tensors are freed.
 *
 * The loss values are read back once per step, asynchronously (`readScalars`: one transfer for
 * the terms and the total), after the losses' input checks settle (on `webgpu` they run on the
 * device) — nothing on this path reads synchronously, so it runs on every backend.
 * @module
 */
import { tf } from "../core/tf.ts";
import { ConfigError } from "../config/config_error.ts";
import { LossError } from "../losses/errors.ts";
import { mixSeed } from "../models/seed.ts";
import { withForwardSeed } from "../models/layers/random_context.ts";
import type { Batch } from "./data.ts";
import type { PreparedRun } from "./prepare_run.ts";
import type { TrainState } from "./run_state.ts";
import { clock, fmt } from "./train_log.ts";
import { TrainingError } from "./train_types.ts";
import { recomputedTerms } from "./recomputed_loss.ts";
import { leanVariableGrads } from "../models/layers/lean_gradients.ts";
import { readScalars } from "../backend/read.ts";
import { settleLossChecks } from "../losses/device_checks.ts";

/** What one completed iteration gives. */
export interface StepResult {
  /** Iterations completed after this step. */
  iter: number;
  lr: number;
  loss: number;
  terms: Record<string, number>;
  /** Seconds the step took (forward, backward, update). */
  sec: number;
}

/** The loss, its named terms (read back) and the gradients of the trainable variables. */
interface LossAndGrads {
  result: { value: tf.Scalar; grads: tf.NamedTensorMap } | null;
  termNames: string[];
  /** The terms' scalars, kept past the gradient's scope until read (the caller disposes them). */
  termTensors: tf.Scalar[];
  termValues: number[];
}

/** The error that stops a run at `step` with a non-finite loss, naming the terms and the last checkpoint. */
export function nonFiniteLoss(
  run: PreparedRun,
  state: TrainState,
  step: number,
  value: number,
  cause: string,
  termNames: string[],
  termValues: number[],
): TrainingError {
  const names = termNames.length ? termNames : state.knownTerms;
  const vals = termNames.length ? termValues : names.map(() => NaN);
  const termText = names.map((n, i) => `${n}=${vals[i]}`).join(", ");
  return new TrainingError(
    `iteration ${step + 1}: the loss is ${value} (${termText}); training stopped before this update. ` +
      (state.lastCheckpoint
        ? `The last good checkpoint is ${state.lastCheckpoint}.`
        : `No checkpoint had been written yet.`) +
      ` ${cause}Lower the learning rate (now ${
        fmt(run.lrOf(step), 6)
      }) or check the images, labels and loss settings.`,
    step + 1,
    Object.fromEntries(names.map((n, i) => [n, vals[i]])),
    state.lastCheckpoint,
    state.history,
  );
}

/** Forward (training mode) and backward pass; `out.result` holds tensors the caller disposes. */
async function lossAndGradients(
  run: PreparedRun,
  state: TrainState,
  batch: Batch,
  step: number,
  out: LossAndGrads,
  recompute: boolean,
): Promise<void> {
  const { model, loss, seed } = run;
  const extras = batch.edges ? { edges: batch.edges } : undefined;
  const vars = run.named.map((n) => n.variable);
  try {
    // With recomputation, the outer pass frees each block's saved inputs and each gradient once it
    // is past them (the full-resolution logits' gradients among them) instead of at its end.
    const grads = recompute ? leanVariableGrads : tf.variableGrads;
    out.result = grads(() =>
      withForwardSeed(mixSeed(seed, step, 0x64726f70), () => {
        const outputs = model.apply(batch.images, { training: true });
        const terms = recompute
          ? recomputedTerms(loss, outputs, batch.labels, extras)
          : loss.terms(outputs, batch.labels, extras);
        out.termNames = terms.map((t) => t.name);
        out.termTensors = terms.map((t) => tf.keep(t.value));
        return (terms.length === 1 ? terms[0].value : tf.addN(terms.map((t) => t.value))) as tf.Scalar;
      }), vars);
    // On webgpu the losses' input checks run on the device: their verdict, before the update.
    await settleLossChecks();
  } catch (e) {
    // The losses refuse non-finite logits: the model's outputs already diverged.
    if (e instanceof LossError && /non-finite/.test(e.message)) {
      throw nonFiniteLoss(
        run,
        state,
        step,
        NaN,
        `(${e.message.split(";")[0]}.) `,
        out.termNames,
        out.termValues,
      );
    }
    throw e;
  }
}

/** Runs one iteration on `batch` (which it disposes) and records it in the state's history. */
export async function trainStep(run: PreparedRun, state: TrainState, batch: Batch): Promise<StepResult> {
  const { model, settings } = run;
  const step = state.iter; // completed iterations = 0-based step
  const tStep = performance.now();
  const out: LossAndGrads = { result: null, termNames: [], termTensors: [], termValues: [] };
  try {
    if (batch.images.shape[3] !== model.inChannels) {
      throw new ConfigError(
        `the training images have ${
          batch.images.shape[3]
        } channels but ${model.type} takes ${model.inChannels} ` +
          `(set model.in_channels or the dataset's img_channels)`,
      );
    }
    // Before the first step at this crop: does it fit, and must activations be recomputed?
    const { recompute } = run.memory.fit(batch.images.shape, run.log);
    await lossAndGradients(run, state, batch, step, out, recompute);
    const result = out.result!;
    // Every value of the step in one asynchronous read (no synchronous read on a GPU).
    const read = await readScalars([...out.termTensors, result.value]);
    const total = read.pop()!;
    out.termValues = read;
    const terms = Object.fromEntries(out.termNames.map((n, i) => [n, out.termValues[i]]));
    if (!Number.isFinite(total) || out.termValues.some((v) => !Number.isFinite(v))) {
      throw nonFiniteLoss(run, state, step, total, "", out.termNames, out.termValues);
    }
    state.knownTerms = out.termNames;
    const lr = run.lrOf(step);
    run.optimizer.apply(run.named, run.named.map((n) => result.grads[n.variable.name]), lr);
    state.iter = step + 1;
    const sec = (performance.now() - tStep) / 1000;
    state.history.push({ iter: state.iter, lr, ...terms, loss: total, sec });
    run.emit({ type: "iter", iter: state.iter, iters: settings.iters, lr, loss: total, terms, sec });
    return { iter: state.iter, lr, loss: total, terms, sec };
  } finally {
    tf.dispose(out.termTensors.filter((t) => t !== out.result?.value));
    if (out.result) {
      out.result.value.dispose();
      tf.dispose(Object.values(out.result.grads));
    }
    batch.images.dispose();
    batch.labels.dispose();
    batch.edges?.dispose();
  }
}

/** The `[TRAIN]` line every `log_iters` iterations (and at the last): averages over those iterations. */
export function logStep(
  run: PreparedRun,
  state: TrainState,
  step: StepResult,
  epoch: number,
  readSec: number,
): void {
  const { settings } = run;
  const iter = step.iter;
  if (iter % settings.logIters !== 0 && iter !== settings.iters) return;
  const rows = state.history.rows.slice(-settings.logIters);
  const avg = (k: string) => rows.reduce((a, r) => a + (r[k] ?? 0), 0) / rows.length;
  const cost = avg("sec");
  const eta = (settings.iters - iter) * cost;
  const names = Object.keys(step.terms);
  run.log(
    `[TRAIN] epoch: ${epoch + 1}, iter: ${iter}/${settings.iters}, loss: ${fmt(avg("loss"))}, lr: ${
      fmt(step.lr, 6)
    }, ` +
      `batch_cost: ${fmt(cost)}, reader_cost: ${fmt(readSec, 5)}, ips: ${
        fmt(settings.batchSize / Math.max(cost, 1e-9), 4)
      } samples/sec | ETA ${clock(eta)}` +
      (names.length > 1 ? ` | ${names.map((n) => `${n}: ${fmt(avg(n))}`).join(", ")}` : ""),
  );
}
