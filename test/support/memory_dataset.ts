/**
 * A small in-memory implementation of the data-set contract (`SegDataset` and `batches`) for
 * trainer tests: synthetic "roads" (thin bright lines on a noisy background, 2 classes, a few
 * ignored pixels) generated from a seed, with a random horizontal flip in train mode drawn
 * from (seed, epoch, index), and a batch source with a deterministic per-epoch shuffle,
 * drop-last, looping and `startStep`.
 */
import { tf } from "../../lib/mod.ts";
import type { Batch, BatchOptions, SegDataset, SegSample } from "../../lib/train/mod.ts";
import { mixSeed } from "../../lib/models/mod.ts";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Options of {@linkcode memoryDataset}. */
export interface MemoryDatasetOptions {
  length: number;
  size?: number;
  mode?: "train" | "val";
  seed?: number;
  /** Images per class count (3 makes a 3-class set: background, road, building). */
  numClasses?: number;
  /** Counts calls of get(), for tests of data reads. */
  counter?: { gets: number };
}

/** Synthetic road images: class 1 pixels lie on thin lines, brighter in the red channel. */
export function memoryDataset(opts: MemoryDatasetOptions): SegDataset {
  const size = opts.size ?? 32, mode = opts.mode ?? "train", k = opts.numClasses ?? 2;
  const base = opts.seed ?? 1;
  const samples = Array.from({ length: opts.length }, (_, i) => {
    const r = rng(mixSeed(base, i));
    const image = new Float32Array(size * size * 3), label = new Uint8Array(size * size);
    const x0 = r() * size, slope = (r() - 0.5) * 1.5, y0 = r() * size;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const p = y * size + x;
        const onRoad = Math.abs(x - (x0 + slope * (y - size / 2))) < 1.6 || Math.abs(y - y0) < 1.2;
        const building = k > 2 && (x % 12 < 4 && y % 12 < 4) && !onRoad;
        label[p] = onRoad ? 1 : building ? 2 : 0;
        const n = () => (r() - 0.5) * 0.6;
        image[p * 3] = (onRoad ? 0.7 : -0.3) + n();
        image[p * 3 + 1] = (building ? 0.6 : -0.2) + n();
        image[p * 3 + 2] = n();
      }
    }
    label[0] = 255; // an ignored pixel
    return { image, label };
  });
  const classNames = k === 2 ? ["background", "road"] : Array.from({ length: k }, (_, j) => `class${j}`);
  return {
    length: opts.length,
    numClasses: k,
    ignoreIndex: 255,
    classNames,
    palette: [[0, 0, 0], [255, 255, 255], [200, 0, 0]].slice(0, k) as [number, number, number][],
    mode,
    root: `memory://roads-${base}-${mode}`,
    get(index: number, o: { seed?: number; epoch?: number } = {}): Promise<SegSample> {
      if (opts.counter) opts.counter.gets++;
      const s = samples[index];
      let image = s.image, label = s.label;
      if (mode === "train" && rng(mixSeed(o.seed ?? 0, o.epoch ?? 0, index))() < 0.5) {
        image = new Float32Array(image.length);
        label = new Uint8Array(label.length);
        for (let y = 0; y < size; y++) {
          for (let x = 0; x < size; x++) {
            const a = y * size + x, b = y * size + (size - 1 - x);
            label[a] = s.label[b];
            for (let c = 0; c < 3; c++) image[a * 3 + c] = s.image[b * 3 + c];
          }
        }
      }
      return Promise.resolve({
        image,
        label,
        height: size,
        width: size,
        channels: 3,
        name: `img_${index}.png`,
      });
    },
    getRaw(index: number) {
      const s = samples[index];
      const image = new Uint8Array(s.image.length);
      for (let i = 0; i < image.length; i++) {
        image[i] = Math.max(0, Math.min(255, Math.round((s.image[i] + 1) * 127.5)));
      }
      return Promise.resolve({
        image,
        label: s.label,
        height: size,
        width: size,
        channels: 3,
        name: `img_${index}.png`,
      });
    },
  };
}

/** The order of epoch `e`: a permutation from (seed, e) when shuffling. */
function order(n: number, seed: number, epoch: number, shuffle: boolean): number[] {
  const idx = Array.from({ length: n }, (_, i) => i);
  if (!shuffle) return idx;
  const r = rng(mixSeed(seed, epoch, 0x5348));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx;
}

/** The contract's `batches` over any SegDataset (no prefetch). */
export async function* memoryBatches(ds: SegDataset, o: BatchOptions): AsyncIterableIterator<Batch> {
  const bs = o.batchSize, seed = o.seed ?? 0, shuffle = o.shuffle ?? false, dropLast = o.dropLast ?? false;
  const per = dropLast ? Math.floor(ds.length / bs) : Math.ceil(ds.length / bs);
  let step = o.startStep ?? 0;
  while (true) {
    const epoch = Math.floor(step / per), inEpoch = step % per;
    if (!o.loop && epoch > 0) return;
    const ids = order(ds.length, seed, epoch, shuffle).slice(inEpoch * bs, inEpoch * bs + bs);
    const samples = await Promise.all(ids.map((i) => ds.get(i, { seed, epoch })));
    const s0 = samples[0];
    const img = new Float32Array(ids.length * s0.image.length),
      lab = new Int32Array(ids.length * s0.label.length);
    samples.forEach((s, i) => {
      img.set(s.image, i * s0.image.length);
      lab.set(s.label, i * s0.label.length);
    });
    yield {
      images: tf.tensor4d(img, [ids.length, s0.height, s0.width, s0.channels]),
      labels: tf.tensor3d(lab, [ids.length, s0.height, s0.width], "int32"),
      names: samples.map((s) => s.name),
      indices: ids,
      epoch,
      step,
    };
    step++;
  }
}
