/**
 * Activation recomputation's memory and time: trains OCRNet-HRNet-W18 (PaddleSeg's Cityscapes
 * setting: 19 classes, CrossEntropyLoss on [main, aux] with coef [1, 0.4], SGD momentum 0.9) on
 * synthetic images for a few iterations at each crop, with recomputation off, on and "auto", each
 * run in its own process (a heap that overflows aborts the wasm instance). Reports per run the
 * seconds per iteration (after the first), the wasm heap's peak (it never shrinks), the memory
 * plan's estimate, whether tf.memory().numTensors stayed flat across iterations, and the load.
 *
 *   deno run -A bench/recompute.ts [--cases 256x256x2:off,256x256x2:on,512x1024x2:auto,768x768x2:auto]
 *       [--iters 2] [--classes 19] [--loss ce|road] [--model '{"type":"OCRNet",...}']
 *
 * Prints one JSON document (the last line of stdout). On 2 shared cores a 1024×512×2 step takes
 * minutes: record `cat /proc/loadavg`.
 */
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import os from "node:os";
import process from "node:process";
import { ready, tf, train } from "../lib/mod.ts";
import { estimateTrainingMemory } from "../lib/models/mod.ts";
import type { Batch, BatchOptions, SegDataset } from "../lib/train/mod.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    cases: { type: "string", default: "256x256x2:off,256x256x2:on,512x1024x2:auto,768x768x2:auto" },
    iters: { type: "string", default: "2" },
    classes: { type: "string", default: "19" },
    // "ce": CrossEntropyLoss on both outputs (PaddleSeg's Cityscapes setting); "road": PaddleSeg's
    // road-extraction setting, MixedLoss(CrossEntropyLoss, LovaszHingeLoss; coef [1, 0.01]) on both.
    loss: { type: "string", default: "ce" },
    model: { type: "string" },
    one: { type: "string" },
    timeout: { type: "string", default: "3600" },
  },
});
const classes = Number(args.classes);
const ROAD = {
  type: "MixedLoss",
  losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszHingeLoss" }],
  coef: [1, 0.01],
};
if (args.loss !== "ce" && args.loss !== "road") throw new Error(`--loss: "ce" or "road", got "${args.loss}"`);
const LOSS_TYPE = args.loss === "road" ? ROAD : { type: "CrossEntropyLoss" };
const MODEL = args.model ? JSON.parse(args.model) : { type: "OCRNet", backbone: { type: "HRNet_W18" } };

interface Case {
  h: number;
  w: number;
  n: number;
  recompute: "auto" | boolean;
}

function parseCase(s: string): Case {
  const m = /^(\d+)x(\d+)x(\d+):(on|off|auto)$/.exec(s.trim());
  if (!m) throw new Error(`--cases: "${s}" is not HxWxN:on|off|auto`);
  const r = m[4] === "auto" ? "auto" : m[4] === "on";
  return { h: Number(m[1]), w: Number(m[2]), n: Number(m[3]), recompute: r };
}

function synthetic(n: number): SegDataset {
  return {
    length: n,
    numClasses: classes,
    ignoreIndex: 255,
    classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
    palette: Array.from({ length: classes }, (_, i) => [i * 13 % 256, i * 29 % 256, i * 47 % 256]),
    mode: "train",
    root: "memory://bench",
    get: () => Promise.reject(new Error("not used")),
    getRaw: () => Promise.reject(new Error("not used")),
  } as unknown as SegDataset;
}

async function* batches(_ds: SegDataset, o: BatchOptions, c: Case): AsyncIterableIterator<Batch> {
  for (let step = o.startStep ?? 0;; step++) {
    yield {
      images: tf.randomNormal([c.n, c.h, c.w, 3], 0, 1, "float32", 2 * step + 1) as tf.Tensor4D,
      labels: tf.tidy(() =>
        tf.cast(tf.floor(tf.randomUniform([c.n, c.h, c.w], 0, classes, "float32", 2 * step + 2)), "int32")
      ) as tf.Tensor3D,
      names: Array.from({ length: c.n }, (_, i) => `${i}`),
      indices: Array.from({ length: c.n }, (_, i) => i),
      epoch: 0,
      step,
    };
  }
}

const heap = () =>
  (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.buffer.byteLength ?? 0;
const MiB = (b: number) => Math.round(b / 2 ** 20);

async function runOne(c: Case): Promise<Record<string, unknown>> {
  await ready("wasm", { quiet: true });
  const stamps: number[] = [], tensors: number[] = [];
  let peak = heap();
  const lines: string[] = [];
  const t0 = performance.now();
  const run = await train({
    config: {
      batch_size: c.n,
      iters: Number(args.iters),
      model: { ...MODEL, num_classes: classes },
      loss: { types: [LOSS_TYPE, LOSS_TYPE], coef: [1, 0.4] },
      optimizer: { type: "SGD", momentum: 0.9, weight_decay: 4e-5 },
      lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.01, power: 0.9, end_lr: 0 },
    },
    trainDataset: synthetic(c.n),
    valDataset: null,
    batches: (ds, o) => batches(ds, o, c),
    recompute: c.recompute,
    progress: false,
    log: (l) => lines.push(l),
    seed: 1,
    onProgress: (e) => {
      if (e.type === "iter") {
        stamps.push(performance.now());
        tensors.push(tf.memory().numTensors);
        peak = Math.max(peak, heap());
      }
    },
  });
  const est = estimateTrainingMemory(run.model.net, [c.n, c.h, c.w, 3]);
  const steady = stamps.length > 1
    ? (stamps[stamps.length - 1] - stamps[0]) / 1000 / (stamps.length - 1)
    : NaN;
  const out = {
    crop: `${c.h}x${c.w}x${c.n}`,
    recompute: c.recompute,
    recomputed: lines.some((l) => /recomputing/.test(l)) || c.recompute === true,
    fits: true,
    firstIterSec: Number(((stamps[0] - t0) / 1000).toFixed(1)),
    secPerIter: Number(steady.toFixed(2)),
    peakWasmHeapMiB: MiB(peak),
    estimatePeakMiB: MiB(est.peakBytes),
    estimatePeakRecomputeMiB: MiB(est.peakRecomputeBytes),
    numTensorsPerIter: tensors,
    loss: run.history.rows.map((r) => Number((r.loss as number).toFixed(4))),
    log: lines.filter((l) => /recomput/.test(l)),
    loadavgAfter: os.loadavg().map((x) => Number(x.toFixed(2))),
  };
  run.dispose();
  return out;
}

function child(c: Case, timeoutSec: number): Record<string, unknown> {
  const r = spawnSync(
    process.execPath,
    [
      "run",
      "-A",
      fileURLToPath(import.meta.url),
      "--one",
      JSON.stringify(c),
      "--iters",
      args.iters!,
      "--classes",
      String(classes),
      "--loss",
      args.loss!,
      ...(args.model ? ["--model", args.model] : []),
    ],
    { encoding: "utf8", timeout: timeoutSec * 1000, maxBuffer: 64 * 2 ** 20 },
  );
  const line = (r.stdout ?? "").trim().split("\n").filter((l) => l.startsWith("{")).pop();
  if (r.status === 0 && line) return JSON.parse(line);
  const err = `${r.stderr ?? ""}`.split("\n").filter((l) => !/^\s+at /.test(l) && /rror|memory|Abort/.test(l))
    .slice(-2).join(" | ");
  return {
    crop: `${c.h}x${c.w}x${c.n}`,
    recompute: c.recompute,
    fits: false,
    error: (err || (r.signal ? `killed by ${r.signal}` : `exit ${r.status}`)).slice(0, 600),
  };
}

if (args.one) {
  console.log(JSON.stringify(await runOne(JSON.parse(args.one))));
  process.exit(0);
}
const results: Record<string, unknown>[] = [];
for (const s of args.cases!.split(",")) {
  const load = os.loadavg().map((x) => Number(x.toFixed(2)));
  const r = { ...child(parseCase(s), Number(args.timeout)), loadavgBefore: load };
  console.error(JSON.stringify(r));
  results.push(r);
}
console.log(JSON.stringify({
  bench: "recompute",
  model: { ...MODEL, num_classes: classes },
  loss: `${
    args.loss === "road" ? "MixedLoss(CE, LovaszHinge ×[1, 0.01])" : "CrossEntropyLoss"
  } ×[1, 0.4] on [main, aux]`,
  heapLimitMiB: 4096,
  cpus: os.cpus().length,
  loadavgAfter: os.loadavg().map((x) => Number(x.toFixed(2))),
  results,
}));
process.exit(0);
