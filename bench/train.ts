/**
 * Training speed and memory: iterations per second and peak memory of `train()` for
 * OCRNet + HRNet-W18 at 512×512, batch 2 (PaddleSeg's per-GPU batch), and for the small models
 * the notebooks use, on the default backend (wasm). Prints JSON.
 *
 * The wasm heap cannot grow past 4 GiB. When OCRNet-HRNet-W18 does not fit at 512×512 × 2, the
 * bench says so and searches the largest crop (batch 2, then batch 1) that does. Each
 * configuration runs in its own process: a run that exhausts the heap cannot poison the next.
 *
 * ```sh
 * deno run -A bench/train.ts                 # everything (several minutes on 2 cores)
 * deno run -A bench/train.ts --quick         # small models only
 * deno run -A bench/train.ts --one '{"name":"unet","model":{...},"crop":64,"batch":4,"iters":5}'
 * ```
 * Check `uptime` first: the figures are only fair on an idle machine (the JSON records the load).
 */
import process from "node:process";
import * as os from "node:os";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { backendReport, ready, tf, train } from "../lib/mod.ts";
import type { Batch, BatchOptions, SegDataset } from "../lib/train/mod.ts";

interface Case {
  name: string;
  model: Record<string, unknown>;
  loss?: Record<string, unknown>;
  crop: number;
  batch: number;
  iters: number;
  backend?: string;
}

const MIXED = (coef: number[]) => ({
  types: coef.map(() => ({
    type: "MixedLoss",
    losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszSoftmaxLoss" }],
    coef: [0.8, 0.2],
  })),
  coef,
});

const OCR_W18 = { type: "OCRNet", backbone: { type: "HRNet_W18" }, num_classes: 2 };
const OCR_SMALL = {
  type: "OCRNet",
  backbone: { type: "HRNet_W18_Small_V1" },
  num_classes: 2,
  ocr_mid_channels: 128,
  ocr_key_channels: 64,
};
const UNET_NARROW = { type: "UNet", num_classes: 2, base_channels: 8, depth: 3 };
const UNET_16 = { type: "UNet", num_classes: 2, base_channels: 16, depth: 4 };

/** Random images and thin-line labels of one size: the bench measures compute, not decoding. */
function syntheticDataset(size: number, n: number): SegDataset {
  return {
    length: n,
    numClasses: 2,
    ignoreIndex: 255,
    classNames: ["background", "road"],
    palette: [[0, 0, 0], [255, 255, 255]],
    mode: "train",
    root: "memory://bench",
    get(i: number) {
      const image = new Float32Array(size * size * 3), label = new Uint8Array(size * size);
      for (let p = 0; p < size * size; p++) {
        const y = Math.floor(p / size), x = p % size;
        label[p] = Math.abs(x - y - i) < 3 ? 1 : 0;
        for (let c = 0; c < 3; c++) {
          image[p * 3 + c] = (label[p] ? 0.5 : -0.5) + Math.sin(p * (c + 1) + i) * 0.3;
        }
      }
      return Promise.resolve({ image, label, height: size, width: size, channels: 3, name: `${i}` });
    },
    getRaw() {
      throw new Error("not needed");
    },
  };
}

async function* synthBatches(ds: SegDataset, o: BatchOptions): AsyncIterableIterator<Batch> {
  for (let step = o.startStep ?? 0;; step++) {
    const samples = await Promise.all(
      Array.from({ length: o.batchSize }, (_, j) => ds.get((step * o.batchSize + j) % ds.length)),
    );
    const s0 = samples[0],
      img = new Float32Array(samples.length * s0.image.length),
      lab = new Int32Array(samples.length * s0.label.length);
    samples.forEach((s, j) => {
      img.set(s.image, j * s0.image.length);
      lab.set(s.label, j * s0.label.length);
    });
    yield {
      images: tf.tensor4d(img, [samples.length, s0.height, s0.width, 3]),
      labels: tf.tensor3d(lab, [samples.length, s0.height, s0.width], "int32"),
      names: samples.map((s) => s.name),
      indices: samples.map((_, j) => j),
      epoch: 0,
      step,
    };
  }
}

function wasmHeapBytes(): number | null {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return b.wasm?.HEAPU8?.buffer.byteLength ?? null;
}

const MiB = (n: number | null) => (n === null ? null : Math.round(n / 2 ** 20));

/** Runs one case in this process; returns its figures. */
async function runOne(c: Case): Promise<Record<string, unknown>> {
  await ready(c.backend, { quiet: true });
  const ds = syntheticDataset(c.crop, Math.max(8, c.batch * 2));
  const stamps: number[] = [];
  let peakRss = process.memoryUsage().rss, peakHeap = wasmHeapBytes() ?? 0;
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    peakHeap = Math.max(peakHeap, wasmHeapBytes() ?? 0);
  };
  const t0 = performance.now();
  const run = await train({
    config: {
      batch_size: c.batch,
      iters: c.iters,
      model: c.model,
      loss: c.loss ?? MIXED(c.model.type === "OCRNet" ? [1, 0.4] : [1]),
      optimizer: { type: "SGD", momentum: 0.9, weight_decay: 4e-5 },
      lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.01, power: 0.9, end_lr: 0 },
    },
    trainDataset: ds,
    valDataset: null,
    batches: synthBatches,
    progress: false,
    log: false,
    seed: 1,
    onProgress: (e) => {
      if (e.type === "iter") {
        stamps.push(performance.now());
        sample();
      }
    },
  });
  const total = (performance.now() - t0) / 1000;
  // The first iteration includes graph set-up and kernel warm-up: time the rest.
  const steady = stamps.length > 1
    ? (stamps[stamps.length - 1] - stamps[0]) / 1000 / (stamps.length - 1)
    : NaN;
  const out = {
    name: c.name,
    model: run.model.description.split(",")[0],
    params: run.model.countParams(),
    crop: [c.crop, c.crop],
    batch: c.batch,
    iters: c.iters,
    fits: true,
    secPerIter: Number(steady.toFixed(3)),
    itersPerSec: Number((1 / steady).toFixed(3)),
    imagesPerSec: Number((c.batch / steady).toFixed(2)),
    firstIterSec: Number(((stamps[0] - t0) / 1000).toFixed(2)),
    totalSec: Number(total.toFixed(1)),
    peakWasmHeapMiB: MiB(peakHeap || null),
    peakRssMiB: MiB(peakRss),
    backend: tf.getBackend(),
  };
  run.dispose();
  return out;
}

/** Runs one case in a child process (so an out-of-memory run cannot affect the others). */
function runChild(c: Case, timeoutSec: number): Record<string, unknown> {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ["run", "-A", self, "--one", JSON.stringify(c)], {
    encoding: "utf8",
    timeout: timeoutSec * 1000,
    maxBuffer: 64 * 2 ** 20,
  });
  const line = (r.stdout ?? "").trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (r.status === 0 && line) return JSON.parse(line);
  const err =
    `${r.stderr ?? ""}`.split("\n").filter((l) =>
      !/^\s+at /.test(l) && /memory|Memory|OOM|Error|error|Abort/.test(l)
    ).slice(-3).join(" | ") ||
    (r.signal ? `killed by ${r.signal}${r.error ? ` (${r.error.message})` : ""}` : `exit ${r.status}`);
  // The wasm heap's allocator aborts (emscripten's "Aborted()") when a 4 GiB heap cannot hold the next tensor.
  const oom =
    /out of memory|memory access out of bounds|Cannot enlarge memory|Array buffer allocation failed|RangeError|Aborted\(\)/i
      .test(r.stderr ?? "");
  return {
    name: c.name,
    crop: [c.crop, c.crop],
    batch: c.batch,
    fits: false,
    outOfMemory: oom,
    timedOut: r.error?.message?.includes("ETIMEDOUT") ?? false,
    error: err.slice(0, 400),
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const one = args.indexOf("--one");
  if (one >= 0) {
    console.log(JSON.stringify(await runOne(JSON.parse(args[one + 1]))));
    process.exit(0);
  }
  const quick = args.includes("--quick");
  const backend = await ready(undefined, { quiet: true });
  const load0 = os.loadavg()[0];
  const small: Case[] = [
    { name: "UNet base 8 depth 3 (CI notebooks)", model: UNET_NARROW, crop: 64, batch: 4, iters: 8 },
    { name: "UNet base 8 depth 3", model: UNET_NARROW, crop: 128, batch: 4, iters: 6 },
    { name: "UNet base 16 depth 4", model: UNET_16, crop: 128, batch: 4, iters: 5 },
    { name: "OCRNet-HRNet_W18_Small_V1 (mid 128, key 64)", model: OCR_SMALL, crop: 128, batch: 4, iters: 5 },
  ];
  const results: Record<string, unknown>[] = [];
  for (const c of small) results.push(runChild({ ...c, backend }, 900));
  let w18: Record<string, unknown> = {};
  if (!quick) {
    const target = runChild({
      name: "OCRNet-HRNet_W18",
      model: OCR_W18,
      crop: 512,
      batch: 2,
      iters: 3,
      backend,
    }, 1800);
    results.push(target);
    if (!target.fits) {
      // Largest crop that trains at batch 2, then at batch 1.
      let found: Record<string, unknown> | null = null;
      for (const batch of [2, 1]) {
        for (const crop of [448, 384, 320, 256, 192, 128]) {
          const r = runChild(
            { name: "OCRNet-HRNet_W18", model: OCR_W18, crop, batch, iters: 2, backend },
            1800,
          );
          results.push(r);
          if (r.fits) {
            found = r;
            break;
          }
        }
        if (found) break;
      }
      w18 = {
        fitsAt512x512Batch2: false,
        largestFitting: found
          ? {
            crop: found.crop,
            batch: found.batch,
            secPerIter: found.secPerIter,
            peakWasmHeapMiB: found.peakWasmHeapMiB,
          }
          : null,
      };
    } else {
      w18 = { fitsAt512x512Batch2: true };
    }
  }
  console.log(JSON.stringify(
    {
      bench: "train",
      runtime: `deno ${(globalThis as { Deno?: { version: { deno: string } } }).Deno?.version.deno ?? "?"}`,
      backend: backendReport(),
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model,
      loadAverage: { before: Number(load0.toFixed(2)), after: Number(os.loadavg()[0].toFixed(2)) },
      note:
        "secPerIter excludes the first iteration (set-up); wasm heap peaks are the heap's size (it never shrinks); limit 4096 MiB",
      ocrnetHrnetW18: w18,
      results,
    },
    null,
    1,
  ));
  process.exit(0);
}

await main();
