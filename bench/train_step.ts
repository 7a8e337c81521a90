/**
 * Training speed: ms per step (forward + backward + Adam) of the reference small U-Net
 * (`bench/unet_small.ts`: batch 4, 128×128×3, 8 classes, softmax cross entropy) on each
 * available backend, GFLOP/s, where the time goes (`tf.profile` per-kernel totals), the peak
 * wasm heap, and the same network in PyTorch (`bench/train_step_torch.py`, Debian's
 * python3-torch, 2 threads) with the ratio — of wall time, and of CPU time per step, which a busy
 * machine distorts less. Prints one JSON document.
 *
 *   deno run -A bench/train_step.ts [--backends wasm,webgpu,tensorflow] [--steps 5]
 *       [--batch 4] [--size 128] [--cpu-steps 0] [--no-torch] [--torch-threads 2] [--no-profile] [--top 15]
 *
 * The `cpu` backend takes ~13 minutes per step on this network (stock tfjs; seglab's kernels are
 * for wasm), so it runs only with `--cpu-steps N` (N steps, no warm-up, no profile).
 */
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import process from "node:process";
import { backendInfo, ready, tf } from "../lib/mod.ts";
import { buildUNet, forwardFlops } from "./unet_small.ts";
import { winogradCalibrating, winogradDecisions, winogradMode } from "../lib/backend/wasm/conv3x3_choice.ts";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    backends: { type: "string", default: "tensorflow,webgpu,wasm" },
    steps: { type: "string", default: "5" },
    batch: { type: "string", default: "4" },
    size: { type: "string", default: "128" },
    classes: { type: "string", default: "8" },
    "cpu-steps": { type: "string", default: "0" },
    "no-torch": { type: "boolean" },
    "no-profile": { type: "boolean" },
    "software-gpu": { type: "boolean" },
    "torch-threads": { type: "string", default: "2" },
    top: { type: "string", default: "15" },
  },
});
const steps = Number(args.steps), batch = Number(args.batch), size = Number(args.size);
const classes = Number(args.classes), cpuSteps = Number(args["cpu-steps"]), top = Number(args.top);
const trainFlops = 3 * forwardFlops(size, batch, classes); // forward + input gradient + weight gradient

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

function wasmHeapBytes(): number | null {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return b.wasm ? b.wasm.HEAPU8.buffer.byteLength : null;
}

async function benchBackend(name: string, n: number, warmup: boolean, profile: boolean) {
  try {
    await ready(name, { quiet: true });
  } catch (e) {
    return { backend: name, skipped: (e as Error).message };
  }
  if (name === "webgpu" && /software adapter/.test(backendInfo()?.detail ?? "") && !args["software-gpu"]) {
    return {
      backend: name,
      skipped: `software adapter only (${backendInfo()?.detail}); --software-gpu runs it anyway`,
    };
  }
  const model = buildUNet(size, classes);
  const opt = tf.train.adam(1e-3);
  const x = tf.randomNormal([batch, size, size, 3], 0, 1, "float32", 1);
  const y = tf.tidy(() =>
    tf.oneHot(tf.randomUniform([batch, size, size], 0, classes, "int32", 2) as tf.Tensor3D, classes)
  );
  const step = async () => {
    const loss = opt.minimize(
      () => tf.losses.softmaxCrossEntropy(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
      true,
    )!;
    const v = (await loss.data())[0]; // waits for the device (async: WebGPU cannot always read synchronously)
    loss.dispose();
    return v;
  };
  const t0 = performance.now();
  let lossValue = warmup ? await step() : NaN;
  const first = performance.now() - t0;
  // wasm: the first steps also choose, per 3×3 shape, between the direct and the Winograd kernel
  // (alternating them; lib/backend/wasm/conv3x3_choice.ts): they warm up until that is settled.
  let warmupSteps = warmup ? 1 : 0;
  while (warmup && name === "wasm" && winogradCalibrating() > 0 && warmupSteps < 10) {
    lossValue = await step();
    warmupSteps++;
  }
  const tensorsAfterWarmup = tf.memory().numTensors;
  const times: number[] = [], cpu: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now(), c = process.cpuUsage();
    lossValue = await step();
    times.push(performance.now() - t);
    const d = process.cpuUsage(c);
    cpu.push((d.user + d.system) / 1000);
  }
  const leaked = tf.memory().numTensors - tensorsAfterWarmup;
  let kernels: Record<string, unknown>[] | undefined;
  let profiledMs: number | undefined, kernelTotal: number | undefined, kernelCalls: number | undefined;
  let kernelCpuTotal: number | undefined;
  if (profile) {
    // tf.profile's per-kernel wall times mix in whatever else the machine runs; on wasm, seglab
    // also charges each top-level kernel call the process CPU time it used (nested calls inside
    // seglab's kernels count toward their caller).
    const cpuByName = new Map<string, number>();
    const restore = name === "wasm" ? wrapKernelsForCpu(cpuByName) : () => {};
    const t = performance.now();
    let info: Awaited<ReturnType<typeof tf.profile>>;
    try {
      info = await tf.profile(async () => {
        await step();
      });
    } finally {
      restore();
    }
    profiledMs = performance.now() - t;
    const byName = new Map<string, { ms: number; calls: number }>();
    for (const k of info.kernels) {
      const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
      e.ms += typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
      e.calls++;
      byName.set(k.name, e);
    }
    kernelTotal = [...byName.values()].reduce((a, v) => a + v.ms, 0) -
      (byName.get("fusedConv2d__op")?.ms ?? 0);
    kernelCalls = info.kernels.length;
    kernels = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)
      .map(([k, v]) => ({
        kernel: k,
        ms: round(v.ms),
        calls: v.calls,
        cpu_ms: cpuByName.has(k) ? round(cpuByName.get(k)!) : undefined,
      }));
    if (cpuByName.size) kernelCpuTotal = [...cpuByName.values()].reduce((a, b) => a + b, 0);
  }
  const info = backendInfo();
  const med = times.length ? median(times) : first;
  const result = {
    backend: name,
    detail: info?.detail,
    params: model.countParams(),
    first_step_ms: round(first),
    warmup_steps: warmupSteps,
    median_ms: round(med),
    min_ms: times.length ? round(Math.min(...times)) : undefined,
    steps_ms: times.map((t) => round(t)),
    // CPU time of the whole process (all threads) per step: less sensitive to a busy machine.
    cpu_ms_median: cpu.length ? round(median(cpu)) : undefined,
    gflop_per_step: round(trainFlops / 1e9, 2),
    gflops: round(trainFlops / 1e9 / (med / 1000), 2),
    loss: round(lossValue, 4),
    tensors_leaked_per_run: leaked,
    wasm_heap_mib: wasmHeapBytes() === null ? undefined : round(wasmHeapBytes()! / 2 ** 20),
    profile_step_ms: profiledMs === undefined ? undefined : round(profiledMs),
    profile_kernel_total_ms: kernelTotal === undefined ? undefined : round(kernelTotal),
    profile_kernel_calls: kernelCalls,
    profile_kernel_cpu_total_ms: kernelCpuTotal === undefined ? undefined : round(kernelCpuTotal),
    profile_top_kernels: kernels,
    // wasm: the Winograd mode and, per 3×3 stride-1 shape, the first step's timings of both kernels.
    winograd_mode: name === "wasm" ? winogradMode() : undefined,
    winograd_layers: name === "wasm" ? winogradDecisions() : undefined,
  };
  tf.dispose([x, y]);
  opt.dispose();
  model.dispose();
  return result;
}

/** Wraps every wasm kernel to add its process CPU time to `into`; returns the undo. */
function wrapKernelsForCpu(into: Map<string, number>): () => void {
  const originals = tf.getKernelsForBackend("wasm");
  let depth = 0;
  for (const k of originals) {
    tf.unregisterKernel(k.kernelName, "wasm");
    tf.registerKernel({
      ...k,
      setupFunc: undefined,
      kernelFunc: (args) => {
        if (depth++ > 0) {
          try {
            return k.kernelFunc(args);
          } finally {
            depth--;
          }
        }
        const c = process.cpuUsage();
        try {
          return k.kernelFunc(args);
        } finally {
          depth--;
          const d = process.cpuUsage(c);
          into.set(k.kernelName, (into.get(k.kernelName) ?? 0) + (d.user + d.system) / 1000);
        }
      },
    });
  }
  return () => {
    for (const k of originals) {
      tf.unregisterKernel(k.kernelName, "wasm");
      tf.registerKernel(k);
    }
  };
}

function torchBench(): Record<string, unknown> {
  const py = "/usr/bin/python3";
  if (!existsSync(py)) return { skipped: "/usr/bin/python3 not found" };
  const script = new URL("./train_step_torch.py", import.meta.url).pathname;
  const r = spawnSync(py, [
    script,
    "--threads",
    args["torch-threads"],
    "--steps",
    String(Math.max(steps, 3)),
    "--batch",
    String(batch),
    "--size",
    String(size),
    "--classes",
    String(classes),
  ], { encoding: "utf8" });
  if (r.status !== 0) return { skipped: `python3 failed: ${(r.stderr || "").trim().split("\n").pop()}` };
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { skipped: `unreadable output: ${r.stdout.slice(0, 200)}` };
  }
}

const backends = args.backends.split(",").map((s) => s.trim()).filter(Boolean);
const results: Record<string, unknown>[] = [];
for (const b of backends) results.push(await benchBackend(b, steps, true, !args["no-profile"]));
if (cpuSteps > 0) results.push(await benchBackend("cpu", cpuSteps, false, false));
else results.push({ backend: "cpu", skipped: "~13 min per step (stock tfjs cpu); run with --cpu-steps N" });
const torch = args["no-torch"] ? { skipped: "--no-torch" } : torchBench();
const torchMs = typeof torch.median_ms === "number" ? torch.median_ms : null;
for (const r of results) {
  if (torchMs && typeof r.median_ms === "number") r.vs_torch = round((r.median_ms as number) / torchMs, 2);
  const torchCpu = typeof torch.cpu_ms_median === "number" ? torch.cpu_ms_median : null;
  if (torchCpu && typeof r.cpu_ms_median === "number") {
    r.cpu_vs_torch = round((r.cpu_ms_median as number) / torchCpu, 2);
  }
}
console.log(JSON.stringify(
  {
    benchmark: "train_step",
    network: "unet_small (bench/unet_small.ts)",
    batch,
    size,
    classes,
    steps,
    cpus: os.cpus().length,
    loadavg_before: os.loadavg().map((l) => round(l, 2)),
    runtime: `deno ${Deno.version.deno}`,
    results,
    torch: { ...torch, gflops: torchMs ? round(trainFlops / 1e9 / (torchMs / 1000), 2) : undefined },
  },
  null,
  2,
));
