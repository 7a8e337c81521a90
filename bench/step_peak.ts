/**
 * Where a training step's peak memory is: trains OCRNet-HRNet-W18 for one iteration on wasm
 * through train() and records, at the moment the live tensor bytes (distinct buffers) peak, which
 * tensors are alive, grouped by shape. Also prints the wasm heap's size after the step.
 *
 *   deno run -A bench/step_peak.ts [--crop 384x384x2] [--classes 2] [--loss road|ce] [--recompute on|off|auto]
 *       [--iters 1] [--no-plan-limit]
 *
 * Prints one JSON document. Run it at a crop that fits; the live bytes scale with the pixels.
 */
import { parseArgs } from "node:util";
import os from "node:os";
import process from "node:process";
import { ready, tf, train } from "../lib/mod.ts";
import { MemoryPlan } from "../lib/train/mod.ts";
import type { Batch, SegDataset } from "../lib/train/mod.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    crop: { type: "string", default: "384x384x2" },
    classes: { type: "string", default: "2" },
    loss: { type: "string", default: "road" },
    recompute: { type: "string", default: "on" },
    iters: { type: "string", default: "1" },
    top: { type: "string", default: "25" },
    // Calibration: run past the memory plan's verdict (the wasm instance aborts if the heap overflows).
    "no-plan-limit": { type: "boolean" },
  },
});
const [h, w, n] = args.crop!.split("x").map(Number);
const classes = Number(args.classes);

Error.stackTraceLimit = 80;
if (args["no-plan-limit"]) {
  const fit = MemoryPlan.prototype.fit;
  MemoryPlan.prototype.fit = function (this: MemoryPlan, shape, log) {
    (this as { limitBytes: number | null }).limitBytes = null;
    return fit.call(this, shape, log);
  };
}
await ready("wasm", { quiet: true });
const engine = tf.engine() as unknown as {
  state: { numBytes: number };
  trackTensor(a: tf.Tensor, b: unknown): void;
  removeDataId(d: object, b: unknown): void;
};
const live = new Map<object, { shape: number[]; bytes: number; dtype: string }>();
let liveBytes = 0, peakBytes = 0;
let peakAt: { shape: string; count: number; MiB: number }[] = [];
const trackTensor = engine.trackTensor.bind(engine);
engine.trackTensor = (a, b) => {
  trackTensor(a, b);
  if (!live.has(a.dataId)) {
    const bytes = a.size * (a.dtype === "complex64" ? 8 : 4);
    live.set(a.dataId, { shape: a.shape, bytes, dtype: a.dtype });
    liveBytes += bytes;
    if (liveBytes > peakBytes * 1.002) {
      peakBytes = liveBytes;
      const g = new Map<string, { count: number; bytes: number }>();
      for (const t of live.values()) {
        const k = `${t.dtype}[${t.shape.join(",")}]`;
        const e = g.get(k) ?? { count: 0, bytes: 0 };
        e.count++;
        e.bytes += t.bytes;
        g.set(k, e);
      }
      peakAt = [...g.entries()].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, Number(args.top))
        .map(([shape, e]) => ({ shape, count: e.count, MiB: Math.round(e.bytes / 2 ** 20) }));
      if (Deno.env.get("STEP_PEAK_TRACE")) peakStack = new Error().stack ?? "";
    }
  }
};
let peakStack = "";
const removeDataId = engine.removeDataId.bind(engine);
engine.removeDataId = (d, b) => {
  const t = live.get(d);
  if (t) {
    liveBytes -= t.bytes;
    live.delete(d);
  }
  removeDataId(d, b);
};

const road = {
  type: "MixedLoss",
  losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszHingeLoss" }],
  coef: [1, 0.01],
};
const lossType = args.loss === "road" ? road : { type: "CrossEntropyLoss" };
const heap = () =>
  (tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } }).wasm?.HEAPU8.buffer.byteLength ?? 0;
const t0 = performance.now();
const stamps: number[] = [];
const ds = {
  length: n,
  numClasses: classes,
  ignoreIndex: 255,
  mode: "train",
  root: "memory://peak",
  classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
  palette: Array.from({ length: classes }, () => [0, 0, 0]),
} as unknown as SegDataset;
const r = args.recompute === "auto" ? "auto" : args.recompute === "on";
const lines: string[] = [];
const run = await train({
  config: {
    batch_size: n,
    iters: Number(args.iters),
    model: { type: "OCRNet", backbone: { type: "HRNet_W18" }, num_classes: classes },
    loss: { types: [lossType, lossType], coef: [1, 0.4] },
    optimizer: { type: "SGD", momentum: 0.9, weight_decay: 4e-5 },
    lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.01, power: 0.9, end_lr: 0 },
  },
  trainDataset: ds,
  valDataset: null,
  batches: async function* (_d, o): AsyncIterableIterator<Batch> {
    for (let step = o.startStep ?? 0;; step++) {
      yield {
        images: tf.randomNormal([n, h, w, 3], 0, 1, "float32", 2 * step + 1) as tf.Tensor4D,
        labels: tf.tidy(() =>
          tf.cast(tf.floor(tf.randomUniform([n, h, w], 0, classes, "float32", 2 * step + 2)), "int32")
        ) as tf.Tensor3D,
        names: [],
        indices: [],
        epoch: 0,
        step,
      };
    }
  },
  recompute: r,
  progress: false,
  log: (l) => lines.push(l),
  seed: 1,
  onProgress: (e) => {
    if (e.type === "iter") stamps.push(performance.now());
  },
});
console.log(JSON.stringify(
  {
    crop: args.crop,
    classes,
    loss: args.loss,
    recompute: r,
    firstIterSec: Number(((stamps[0] - t0) / 1000).toFixed(1)),
    peakLiveMiB: Math.round(peakBytes / 2 ** 20),
    wasmHeapMiB: Math.round(heap() / 2 ** 20),
    losses: run.history.rows.map((x) => x.loss),
    loadavg: os.loadavg(),
    peakAt,
    log: lines.filter((l) => /recomput/.test(l)),
  },
  null,
  1,
));
if (peakStack) console.error(peakStack);
run.dispose();
process.exit(0);
