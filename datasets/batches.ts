/**
 * `batches(ds, opts)`: the training (and evaluation) loop's data. A deterministic order —
 * epoch e is a permutation drawn from (seed, e) when shuffling; sample i's transforms in epoch
 * e come from (seed, e, i) — so a run can be repeated, and resumed at any step (`startStep`)
 * exactly where an uninterrupted run would be, without decoding the skipped samples.
 * With `loop: true` it never ends (iteration-based training; epochs restart transparently and
 * `dropLast` defaults to true, as PaddleSeg's `DistributedBatchSampler(drop_last=True)`).
 *
 * It decodes and augments ahead of the consumer: `prefetch` batches (default 2) are in flight
 * or ready, never more, so at most `prefetch × batchSize` decoded samples are held besides the
 * batch the consumer has. Tensors are made when a batch is handed over; the consumer owns (and
 * disposes) them. With `workers: n` (where the runtime has web workers, as Deno does) the
 * samples are decoded in n worker threads; see `bench/data.ts` for when that pays off.
 *
 * @example
 * ```ts
 * import { batches, createDataset, shippedDataPath } from "seglab/datasets";
 * const ds = await createDataset({ type: "MiniDeepGlobeRoadExtraction", dataset_root: shippedDataPath("synthetic-roads"),
 *   transforms: [{ type: "RandomPaddingCrop", crop_size: [64, 64] }, { type: "Normalize" }] });
 * for await (const b of batches(ds, { batchSize: 4, shuffle: true, seed: 1, loop: true, startStep: 100 })) {
 *   // b.images [4,64,64,3], b.labels [4,64,64]; b.step === 100 first
 *   b.images.dispose(); b.labels.dispose();
 *   if (b.step === 149) break;
 * }
 * ```
 * @module
 */
import { tf } from "../lib/core/tf.ts";
import { DatasetError } from "./errors.ts";
import { rngFor } from "./rng.ts";
import type { Batch, SegDataset, SegSample } from "./types.ts";
import { createWorkerPool, type SampleFetcher } from "./worker_pool.ts";
import { StoppedError, stopWatch } from "../lib/core/stop.ts";

/** Options of {@linkcode batches}. */
export interface BatchOptions {
  batchSize: number;
  /** Shuffle each epoch (a permutation drawn from (seed, epoch)). Default false. */
  shuffle?: boolean;
  /** Seed of the order and of the augmentations. Default 0. */
  seed?: number;
  /** Drop the last incomplete batch of each epoch. Default: `loop`. */
  dropLast?: boolean;
  /** Never end: epochs follow each other. Default false (one pass, or `epochs`). */
  loop?: boolean;
  /** Start at this batch, as an uninterrupted run would be there. Default 0. */
  startStep?: number;
  /** Batches decoded ahead. Default 2; 0 decodes on demand. */
  prefetch?: number;
  /** Epochs to run when not looping. Default 1. */
  epochs?: number;
  /** Decode in this many web workers (0: in this thread). Default 0. */
  workers?: number;
  /**
   * Stops before the next batch: the generator then throws a `StoppedError` naming the step. In
   * a notebook the cell's interrupt stops it too; `null` watches nothing (the trainer stops itself).
   */
  signal?: AbortSignal | null;
}

/** Where step k is: its epoch and the dataset indices of its samples. */
export interface StepPlan {
  step: number;
  epoch: number;
  indices: number[];
}

/** The batch schedule of {@linkcode batches}, as a pure function of the options. */
export function batchPlan(
  length: number,
  opts: BatchOptions,
): { perEpoch: number; total: number; at(step: number): StepPlan } {
  const B = opts.batchSize;
  if (!Number.isInteger(B) || B < 1) throw new DatasetError(`batchSize must be a positive integer, got ${B}`);
  const loop = opts.loop ?? false;
  const dropLast = opts.dropLast ?? loop;
  const seed = opts.seed ?? 0;
  const epochs = opts.epochs ?? 1;
  if (length === 0) throw new DatasetError("the data set is empty");
  const perEpoch = dropLast ? Math.floor(length / B) : Math.ceil(length / B);
  if (perEpoch === 0) {
    throw new DatasetError(
      `batchSize ${B} is larger than the data set (${length} samples) and dropLast is on: no batch can be made; lower batchSize or set dropLast: false`,
    );
  }
  let cachedEpoch = -1, cached: number[] = [];
  const order = (epoch: number): number[] => {
    if (epoch !== cachedEpoch) {
      const ids = Array.from({ length }, (_, i) => i);
      cached = opts.shuffle ? rngFor(seed, epoch, 0x5eed5eed).shuffle(ids) : ids;
      cachedEpoch = epoch;
    }
    return cached;
  };
  return {
    perEpoch,
    total: loop ? Infinity : perEpoch * epochs,
    at(step: number): StepPlan {
      const epoch = Math.floor(step / perEpoch), j = step - epoch * perEpoch;
      return { step, epoch, indices: order(epoch).slice(j * B, Math.min((j + 1) * B, length)) };
    },
  };
}

interface Prepared {
  plan: StepPlan;
  images: Float32Array;
  labels: Int32Array;
  edges: Int32Array | null;
  names: string[];
  h: number;
  w: number;
  c: number;
}

function stack(plan: StepPlan, samples: SegSample[]): Prepared {
  const s0 = samples[0];
  const { height: h, width: w, channels: c } = s0;
  for (const s of samples) {
    if (s.height !== h || s.width !== w || s.channels !== c) {
      throw new DatasetError(
        `samples in one batch differ in size: ${s0.name} is ${w}×${h}×${c} but ${s.name} is ${s.width}×${s.height}×${s.channels}; ` +
          `add a RandomPaddingCrop or Resize transform so samples share one size, or use batchSize 1`,
      );
    }
  }
  const n = samples.length, px = h * w;
  const images = new Float32Array(n * px * c), labels = new Int32Array(n * px);
  const edges = s0.edge ? new Int32Array(n * px) : null;
  samples.forEach((s, k) => {
    images.set(s.image, k * px * c);
    labels.set(s.label, k * px);
    if (edges && s.edge) edges.set(s.edge, k * px);
  });
  return { plan, images, labels, edges, names: samples.map((s) => s.name), h, w, c };
}

/**
 * Batches in a deterministic order: epoch e's order is a permutation drawn from (seed, e) when
 * shuffle; transforms of sample i in epoch e are drawn from (seed, e, i). With `loop: true` it never
 * ends (iteration-based training; epochs restart transparently, drop_last as PaddleSeg). With
 * `startStep: k` it starts exactly where an uninterrupted run would be at step k (resume).
 * Decodes and augments ahead (`prefetch`, default 2) and holds no more decoded samples than
 * `prefetch × batchSize`. The consumer owns (and disposes) each batch's tensors.
 */
export async function* batches(ds: SegDataset, opts: BatchOptions): AsyncGenerator<Batch, void, undefined> {
  const plan = batchPlan(ds.length, opts);
  const seed = opts.seed ?? 0;
  const prefetch = opts.prefetch ?? 2;
  if (!Number.isInteger(prefetch) || prefetch < 0) {
    throw new DatasetError(`prefetch must be an integer ≥ 0, got ${prefetch}`);
  }
  const start = opts.startStep ?? 0;
  if (!Number.isInteger(start) || start < 0) {
    throw new DatasetError(`startStep must be an integer ≥ 0, got ${start}`);
  }
  const workers = opts.workers ?? 0;
  const pool: SampleFetcher | null = workers > 0 ? await createWorkerPool(ds, workers) : null;
  const fetch = (i: number, epoch: number) => (pool ? pool.get(i, seed, epoch) : ds.get(i, { seed, epoch }));
  const prepare = (step: number): Promise<Prepared> => {
    const p = plan.at(step);
    const out = Promise.all(p.indices.map((i) => fetch(i, p.epoch))).then((s) => stack(p, s));
    out.catch(() => {}); // rejections surface when the batch is awaited
    return out;
  };
  const queue: Promise<Prepared>[] = [];
  const stop = stopWatch(opts.signal);
  let next = start;
  const fill = () => {
    while (queue.length < prefetch && next < plan.total) queue.push(prepare(next++));
  };
  try {
    while (true) {
      fill();
      let pending: Promise<Prepared>;
      if (queue.length) pending = queue.shift()!;
      else if (next < plan.total) pending = prepare(next++);
      else return;
      const b = await pending;
      if (stop.requested()) {
        throw new StoppedError(`batches: stopped (${stop.reason()}) before step ${b.plan.step}`, {
          at: b.plan.step,
          reason: stop.reason(),
        });
      }
      fill(); // keep decoding while the consumer works on this batch
      const n = b.plan.indices.length;
      const batch: Batch = {
        images: tf.tensor4d(b.images, [n, b.h, b.w, b.c], "float32"),
        labels: tf.tensor3d(b.labels, [n, b.h, b.w], "int32"),
        names: b.names,
        indices: b.plan.indices,
        epoch: b.plan.epoch,
        step: b.plan.step,
      };
      if (b.edges) batch.edges = tf.tensor3d(b.edges, [n, b.h, b.w], "int32");
      yield batch;
    }
  } finally {
    queue.length = 0;
    pool?.close();
  }
}
