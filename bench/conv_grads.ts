/**
 * The convolution kernels of one training step of the reference U-Net (`bench/unet_small.ts`,
 * batch 4 at 128×128), layer by layer on `wasm`: forward `Conv2D`, `Conv2DBackpropFilter` (weight
 * gradient) and `Conv2DBackpropInput` (input gradient), ms and GFLOP/s each (median of `--reps`).
 * Prints one JSON document.
 *
 *   deno run -A bench/conv_grads.ts [--reps 5] [--batch 4] [--size 128] [--kernels Conv2D,...]
 */
import { parseArgs } from "node:util";
import os from "node:os";
import { ready, tf } from "../lib/mod.ts";
import { LEVELS, MIDDLE } from "./unet_small.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    reps: { type: "string", default: "5" },
    batch: { type: "string", default: "4" },
    size: { type: "string", default: "128" },
    kernels: { type: "string", default: "Conv2D,Conv2DBackpropFilter,Conv2DBackpropInput" },
  },
});
const reps = Number(args.reps), batch = Number(args.batch), size = Number(args.size);
const kernels = args.kernels.split(",");
await ready("wasm", { quiet: true });

/** The U-Net's 3×3 convolutions (h, ci, co) and its 1×1 head. */
function layers(): { h: number; ci: number; co: number; k: number }[] {
  const out: { h: number; ci: number; co: number; k: number }[] = [];
  let h = size, cin = 3;
  for (const c of LEVELS) {
    out.push({ h, ci: cin, co: c, k: 3 }, { h, ci: c, co: c, k: 3 });
    cin = c;
    h /= 2;
  }
  out.push({ h, ci: cin, co: MIDDLE, k: 3 }, { h, ci: MIDDLE, co: MIDDLE, k: 3 });
  cin = MIDDLE;
  for (let i = LEVELS.length - 1; i >= 0; i--) {
    h *= 2;
    out.push({ h, ci: cin + LEVELS[i], co: LEVELS[i], k: 3 }, { h, ci: LEVELS[i], co: LEVELS[i], k: 3 });
    cin = LEVELS[i];
  }
  out.push({ h, ci: cin, co: 8, k: 1 });
  return out;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rows = [];
const totals: Record<string, number> = {};
for (const l of layers()) {
  const x = tf.randomNormal([batch, l.h, l.h, l.ci], 0, 1, "float32", 1);
  const w = tf.randomNormal([l.k, l.k, l.ci, l.co], 0, 1, "float32", 2);
  const dy = tf.randomNormal([batch, l.h, l.h, l.co], 0, 1, "float32", 3);
  const flops = 2 * batch * l.h * l.h * l.k * l.k * l.ci * l.co;
  const row: Record<string, unknown> = { layer: `${l.h}x${l.h} ${l.ci}->${l.co} k${l.k}` };
  for (const k of kernels) {
    const run = () =>
      k === "Conv2D"
        ? tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same")
        : k === "Conv2DBackpropFilter"
        ? tf.engine().runKernel(
          k,
          { x, dy },
          { strides: 1, pad: "same", filterShape: w.shape, dataFormat: "NHWC" } as never,
        ) as tf.Tensor
        : tf.engine().runKernel(
          k,
          { dy, filter: w },
          { strides: 1, pad: "same", inputShape: x.shape, dataFormat: "NHWC" } as never,
        ) as tf.Tensor;
    run().dispose();
    const ts: number[] = [];
    for (let i = 0; i < reps; i++) {
      const t = performance.now();
      const r = run();
      r.dataSync();
      ts.push(performance.now() - t);
      r.dispose();
    }
    const ms = median(ts);
    totals[k] = (totals[k] ?? 0) + ms;
    row[k] = `${(Math.round(ms * 10) / 10).toFixed(1)} ms ${
      (Math.round(flops / ms / 1e5) / 10).toFixed(1)
    } GFLOP/s`;
  }
  rows.push(row);
  tf.dispose([x, w, dy]);
}
console.log(
  JSON.stringify(
    {
      benchmark: "conv_grads",
      batch,
      size,
      loadavg_before: os.loadavg().map((v) => Math.round(v * 100) / 100),
      totals_ms: Object.fromEntries(Object.entries(totals).map(([k, v]) => [k, Math.round(v * 10) / 10])),
      layers: rows,
    },
    null,
    1,
  ).replace(/\n {3,}/g, " ").replace(/\n {2}}/g, " }"),
);
