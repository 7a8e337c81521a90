/**
 * Lovász loss speed: forward + backward (loss and d loss / d logits) on the default backend, for
 * the cases the loss-library issue names, side by side with a PyTorch reference (Berman's
 * algorithm, `bench/losses_torch.py`, Debian's python3-torch, 2 threads) when it is installed.
 * Prints one JSON document.
 *
 *   deno run -A bench/losses.ts [--repeats 3] [--backend wasm] [--no-torch] [--torch-threads 2]
 *       [--cases softmax_n2_c19_512x1024,...]
 *
 * Wall times of a loaded machine favour the single-threaded side (PyTorch's two threads wait on
 * each other); CPU times per run (`cpu_ms_median`, `cpu_ratio_to_torch`) are distorted less.
 */
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import process from "node:process";
import { lovaszHinge, lovaszSoftmax, ready, tf } from "../lib/mod.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    repeats: { type: "string", default: "3" },
    backend: { type: "string" },
    "no-torch": { type: "boolean" },
    "torch-threads": { type: "string", default: "2" },
    cases: { type: "string" },
  },
});
const repeats = Number(args.repeats);
/** Issue 15: Lovász-Softmax N=2, C=19, 512×1024 at ≤ 0.2× PyTorch. */
const TARGET_RATIO = 0.2;
const backend = await ready(args.backend, { quiet: true });
const loadBefore = +loadavg()[0].toFixed(2);

interface Case {
  name: string;
  loss: "lovasz_softmax" | "lovasz_hinge";
  shape: [number, number, number, number];
}
const CASES: Case[] = [
  { name: "softmax_n2_c19_512x1024", loss: "lovasz_softmax", shape: [2, 512, 1024, 19] },
  { name: "softmax_n8_c19_128x256", loss: "lovasz_softmax", shape: [8, 128, 256, 19] },
  { name: "hinge_n4_768x768", loss: "lovasz_hinge", shape: [4, 768, 768, 1] },
];

function inputs(c: Case) {
  const [n, h, w, ch] = c.shape;
  return tf.tidy(() => {
    const x = tf.randomNormal([n, h, w, ch], 0, 2, "float32", 1) as tf.Tensor4D;
    const classes = c.loss === "lovasz_hinge" ? 2 : ch;
    const y = tf.randomUniform([n, h, w], 0, classes, "int32", 2) as tf.Tensor3D;
    const ignore = tf.less(tf.randomUniform([n, h, w], 0, 1, "float32", 3), 0.05);
    return { x, y: tf.where(ignore, tf.fill([n, h, w], 255, "int32"), y) as tf.Tensor3D };
  });
}

function step(c: Case, x: tf.Tensor4D, y: tf.Tensor3D): number {
  const f = (
    t: tf.Tensor,
  ) => (c.loss === "lovasz_softmax" ? lovaszSoftmax(t as tf.Tensor4D, y) : lovaszHinge(t as tf.Tensor4D, y));
  const { value, grads } = tf.tidy(() => tf.valueAndGrads((t: tf.Tensor) => f(t))([x]));
  // wasm and cpu run every kernel synchronously: the gradient is complete when valueAndGrads returns.
  // Copying it out to JavaScript (80 MB for N=2, C=19, 512×1024: ~250 ms, which PyTorch's loop does not
  // do either — it times loss.backward()) is only needed to wait for an asynchronous backend.
  if (!["wasm", "cpu"].includes(tf.getBackend())) grads[0].dataSync();
  const v = value.dataSync()[0];
  value.dispose();
  grads.forEach((g) => g.dispose());
  return v;
}

const results: Record<string, unknown>[] = [];
const only = args.cases?.split(",");
for (const c of CASES.filter((c) => !only || only.includes(c.name))) {
  const { x, y } = inputs(c);
  step(c, x, y); // warm-up
  const times: number[] = [], cpu: number[] = [];
  let loss = 0;
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now(), c0 = process.cpuUsage();
    loss = step(c, x, y);
    times.push(performance.now() - t0);
    const dc = process.cpuUsage(c0);
    cpu.push((dc.user + dc.system) / 1000);
  }
  cpu.sort((a, b) => a - b);
  x.dispose();
  y.dispose();
  times.sort((a, b) => a - b);
  results.push({
    case: c.name,
    shape_nhwc: c.shape,
    loss,
    ms_median: +times[Math.floor(times.length / 2)].toFixed(1),
    ms_min: +times[0].toFixed(1),
    cpu_ms_median: +cpu[Math.floor(cpu.length / 2)].toFixed(1),
    loadavg: loadavg().map((v) => +v.toFixed(2)),
  });
}

let torch: Record<string, unknown> | null = null;
const python = "/usr/bin/python3";
if (!args["no-torch"] && existsSync(python)) {
  const r = spawnSync(python, [
    new URL("./losses_torch.py", import.meta.url).pathname,
    String(repeats),
    args["torch-threads"]!,
    args.cases ?? "",
  ], {
    encoding: "utf8",
  });
  if (r.status === 0) torch = JSON.parse(r.stdout);
  else torch = { error: (r.stderr || r.stdout || "").trim().split("\n").slice(-1)[0] };
}
for (const r of results) {
  const ref = (torch?.cases as Record<string, { ms_median: number; cpu_ms_median: number }> | undefined)?.[
    r.case as string
  ];
  if (ref) {
    r.torch_ms_median = ref.ms_median;
    r.torch_cpu_ms_median = ref.cpu_ms_median;
    r.cpu_ratio_to_torch = +((r.cpu_ms_median as number) / ref.cpu_ms_median).toFixed(3);
    r.ratio_to_torch = +((r.ms_median as number) / ref.ms_median).toFixed(3);
    r.target_met = (r.ratio_to_torch as number) <= TARGET_RATIO;
  }
}
console.log(JSON.stringify(
  {
    bench: "lovasz_losses_fwd_bwd",
    backend,
    runtime: `deno ${Deno.version.deno}`,
    repeats,
    machine: {
      cpus: cpus().length,
      load_average_1m_before: loadBefore,
      load_average_1m_after: +loadavg()[0].toFixed(2),
    },
    note: "ours and PyTorch run back to back; compare them on an idle machine (load average near 0)",
    target: `at most ${TARGET_RATIO}× the PyTorch reference's time (issue 15)`,
    torch: torch ? { version: torch.version, threads: torch.threads, error: torch.error } : "not run",
    results,
  },
  null,
  2,
));
