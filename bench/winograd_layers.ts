/**
 * Per-layer timings of the 3×3 stride-1 convolutions of the reference U-Net (`bench/unet_small.ts`,
 * batch 4, 128×128): the direct SIMD kernel against Winograd F(2×2, 3×3) (`winograd`) and
 * F(4×4, 3×3) (`winograd4`), forward (`Conv2D`), input gradient (`Conv2DBackpropInput`) and weight
 * gradient (`Conv2DBackpropFilter`; under 2048 output pixels it stays direct in every column),
 * interleaved, `--reps` times each. Prints one JSON document: per shape the median and minimum wall
 * ms and the process CPU ms of each kernel, their ratio (direct / F(2×2, 3×3): above 1, Winograd is
 * faster) and `ratio4_*` (F(2×2, 3×3) / F(4×4, 3×3): above 1, F(4×4, 3×3) is faster), with the load
 * before and after.
 *
 *   deno run -A bench/winograd_layers.ts [--reps 9] [--batch 4] [--size 128]
 */
import { parseArgs } from "node:util";
import os from "node:os";
import process from "node:process";
import { ready, tf } from "../lib/mod.ts";
import { setWinogradMode } from "../lib/backend/wasm/conv3x3_choice.ts";
import { LEVELS, MIDDLE } from "./unet_small.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    reps: { type: "string", default: "9" },
    batch: { type: "string", default: "4" },
    size: { type: "string", default: "128" },
  },
});
const reps = Number(args.reps), batch = Number(args.batch), size = Number(args.size);
const load = () => os.loadavg().map((v) => Number(v.toFixed(2)));
const round = (x: number) => Math.round(x * 100) / 100;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** [spatial size, input channels, output channels] of every 3×3 convolution (encoder, middle, decoder). */
function shapes(): [number, number, number][] {
  const out: [number, number, number][] = [];
  let h = size, cin = 3;
  for (const c of LEVELS) {
    out.push([h, cin, c], [h, c, c]);
    cin = c;
    h /= 2;
  }
  out.push([h, cin, MIDDLE], [h, MIDDLE, MIDDLE]);
  cin = MIDDLE;
  for (let i = LEVELS.length - 1; i >= 0; i--) {
    h *= 2;
    out.push([h, cin + LEVELS[i], LEVELS[i]], [h, LEVELS[i], LEVELS[i]]);
    cin = LEVELS[i];
  }
  return out;
}

type Mode = "off" | "f23" | "f43";
type Sample = { wall: number; cpu: number };

/**
 * One call's wall and process CPU ms. The wasm backend runs its kernels synchronously, so the call
 * has finished when `fn` returns; reading the output back (`dataSync`, ~3 ms per MiB here) stays
 * outside the timing, where it would blur the kernels' difference.
 */
function time(fn: () => tf.Tensor): Sample {
  const t = performance.now(), c = process.cpuUsage();
  const y = fn();
  const d = process.cpuUsage(c);
  const wall = performance.now() - t;
  y.dataSync();
  y.dispose();
  return { wall, cpu: (d.user + d.system) / 1000 };
}

await ready("wasm", { quiet: true });
const loadBefore = load();
const rows = [];
for (const [h, ci, co] of shapes()) {
  const x = tf.randomNormal([batch, h, h, ci], 0, 1, "float32", 1) as tf.Tensor4D;
  const w = tf.randomNormal([3, 3, ci, co], 0, 0.1, "float32", 2) as tf.Tensor4D;
  const dy = tf.randomNormal([batch, h, h, co], 0, 1, "float32", 3) as tf.Tensor4D;
  const passes = {
    forward: () => tf.conv2d(x, w, 1, "same"),
    input_gradient: () => tf.conv2dTranspose(dy, w, [batch, h, h, ci], 1, "same"),
    weight_gradient: () =>
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, {
        strides: 1,
        pad: "same",
        dataFormat: "NHWC",
        filterShape: [3, 3, ci, co],
      }) as tf.Tensor,
  };
  for (const [pass, fn] of Object.entries(passes)) {
    const modes: Mode[] = ["f23", "f43", "off"];
    const t: Record<Mode, Sample[]> = { off: [], f23: [], f43: [] };
    for (let r = 0; r < reps + 1; r++) {
      for (const m of modes) {
        setWinogradMode(m);
        const s = time(fn);
        if (r > 0) t[m].push(s); // the first round warms up
      }
    }
    const stat = (k: Mode) => ({
      wall_ms: round(median(t[k].map((s) => s.wall))),
      wall_min_ms: round(Math.min(...t[k].map((s) => s.wall))),
      cpu_ms: round(median(t[k].map((s) => s.cpu))),
    });
    const d = stat("off"), wg = stat("f23");
    const row: Record<string, unknown> = {
      layer: `${h}x${h} ${ci}→${co}`,
      pass,
      direct: d,
      winograd: wg,
      ratio_wall: round(d.wall_ms / wg.wall_ms),
      ratio_wall_min: round(d.wall_min_ms / wg.wall_min_ms),
      ratio_cpu: round(d.cpu_ms / wg.cpu_ms),
    };
    const w4 = stat("f43");
    row.winograd4 = w4;
    // F(2×2, 3×3) / F(4×4, 3×3): above 1, F(4×4, 3×3) is faster
    row.ratio4_wall_min = round(wg.wall_min_ms / w4.wall_min_ms);
    row.ratio4_cpu = round(wg.cpu_ms / w4.cpu_ms);
    rows.push(row);
  }
  tf.dispose([x, w, dy]);
}
setWinogradMode("measure");
console.log(
  JSON.stringify(
    {
      benchmark: "winograd_layers",
      batch,
      size,
      reps,
      loadavgBefore: loadBefore,
      loadavgAfter: load(),
      rows,
    },
    null,
    1,
  ),
);
