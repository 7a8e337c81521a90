/**
 * GPU benchmark: ms per training step on `webgpu`, beside `wasm` and beside PyTorch on the same
 * device (`bench/gpu_torch.py`: CUDA when PyTorch has it, else its CPU), for
 *
 * - `unet`: the reference small U-Net (`bench/unet_small.ts`), batch 4, 128×128×3, 8 classes, CE, Adam;
 * - `ocr_road`: OCRNet-HRNet-W18 at PaddleSeg's road crop, batch 2, 768×768, 2 classes;
 * - `ocr_city`: OCRNet-HRNet-W18 at PaddleSeg's Cityscapes crop, batch 2, 1024×512, 19 classes;
 *
 * the OCRNet cases with PaddleSeg's loss (CE on the main and the auxiliary logits, coef [1, 0.4])
 * and SGD with momentum 0.9. Per case and backend: median step time, the first step (shader
 * compilation on webgpu), peak memory, the loss, and a per-kernel profile of the slowest ops
 * (`tf.profile`; on webgpu the kernel times come from GPU timestamp queries where the adapter has
 * them). Ratios webgpu/wasm and webgpu/torch go in the same JSON document, printed on stdout
 * (and written to `--out`).
 *
 *   deno run -A bench/gpu.ts [--small] [--cases unet,ocr_road,ocr_city] [--backends webgpu,wasm]
 *       [--steps 3] [--no-torch] [--top 10] [--out out/gpu.json]
 *
 * `--small` shrinks every case (32–64 px, batch 1, a narrow HRNet) so that a software adapter
 * (llvmpipe) finishes in about a minute: on llvmpipe only correctness counts, not the times.
 * `wasm` runs at full size only with `--wasm-full` (it takes minutes per OCRNet step).
 */
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import os from "node:os";
// Only the backend, the models and the losses: what the offline bundle (bench/gpu_bundle) needs.
import { backendInfo, gpuDeviceState, readData, ready, tf } from "../lib/backend/mod.ts";
import { createModel } from "../lib/models/mod.ts";
import { createLossConfig } from "../lib/losses/mod.ts";
import { buildUNet } from "./unet_small.ts";
// Imported statically (ready() would import it by name) so that a `deno bundle` of this file carries it.
import * as webgpuBackend from "@tensorflow/tfjs-backend-webgpu";

const WEBGPU_PACKAGE = "@tensorflow/tfjs-backend-webgpu";
const probes = {
  importModule: (s: string) => (s === WEBGPU_PACKAGE ? Promise.resolve(webgpuBackend) : import(s)),
};

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    small: { type: "boolean" },
    cases: { type: "string", default: "unet,ocr_road,ocr_city" },
    backends: { type: "string", default: "webgpu,wasm" },
    steps: { type: "string", default: "3" },
    "no-torch": { type: "boolean" },
    "wasm-full": { type: "boolean" },
    top: { type: "string", default: "10" },
    out: { type: "string" },
    python: { type: "string", default: "/usr/bin/python3" },
    "deadline-s": { type: "string", default: "0" },
  },
});
const small = !!args.small, steps = Number(args.steps), top = Number(args.top);
/** With --deadline-s: cases not started by then are skipped (the JSON is written after each case). */
const deadline = Number(args["deadline-s"]) > 0
  ? performance.now() + Number(args["deadline-s"]) * 1000
  : Infinity;
const round = (x: number, d = 1) => Math.round(x * 10 ** d) / 10 ** d;

/** A benchmark case: network, batch, height, width, classes. */
export interface Case {
  name: string;
  net: "unet" | "ocrnet";
  batch: number;
  height: number;
  width: number;
  classes: number;
  backbone?: Record<string, unknown>;
}

const TINY_HRNET = {
  type: "HRNet_W18_Small_V1",
  stem_channels: 16,
  stage1_num_channels: [8],
  stage2_num_channels: [8, 16],
  stage3_num_channels: [8, 16, 32],
  stage4_num_channels: [8, 16, 32, 64],
};

/** The cases at full size, or shrunk with `--small`. */
export function cases(isSmall: boolean): Case[] {
  return isSmall
    ? [
      { name: "unet", net: "unet", batch: 1, height: 32, width: 32, classes: 4 },
      { name: "ocr_road", net: "ocrnet", batch: 1, height: 64, width: 64, classes: 2, backbone: TINY_HRNET },
      { name: "ocr_city", net: "ocrnet", batch: 1, height: 32, width: 64, classes: 19, backbone: TINY_HRNET },
    ]
    : [
      { name: "unet", net: "unet", batch: 4, height: 128, width: 128, classes: 8 },
      {
        name: "ocr_road",
        net: "ocrnet",
        batch: 2,
        height: 768,
        width: 768,
        classes: 2,
        backbone: { type: "HRNet_W18" },
      },
      {
        name: "ocr_city",
        net: "ocrnet",
        batch: 2,
        height: 512,
        width: 1024,
        classes: 19,
        backbone: { type: "HRNet_W18" },
      },
    ];
}

interface Runner {
  step(): Promise<number>;
  params: number;
  dispose(): void;
}

/** Builds the model, data, loss and optimizer of `c` on the active backend. */
function runner(c: Case): Runner {
  const x = tf.randomNormal([c.batch, c.height, c.width, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  const y = tf.randomUniform([c.batch, c.height, c.width], 0, c.classes, "int32", 2) as tf.Tensor3D;
  if (c.net === "unet") {
    const model = buildUNet(c.height, c.classes);
    const opt = tf.train.adam(1e-3);
    const yh = tf.oneHot(y, c.classes);
    return {
      params: model.countParams(),
      async step() {
        const loss = opt.minimize(
          () =>
            tf.losses.softmaxCrossEntropy(yh, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar,
          true,
        )!;
        const v = (await readData(loss))[0];
        loss.dispose();
        return v;
      },
      dispose: () => (tf.dispose([x, y, yh]), opt.dispose(), model.dispose()),
    };
  }
  const model = createModel({ type: "OCRNet", num_classes: c.classes, backbone: c.backbone }, { seed: 1 });
  const loss = createLossConfig({
    types: [{ type: "CrossEntropyLoss" }, { type: "CrossEntropyLoss" }],
    coef: [1, 0.4],
  });
  const opt = tf.train.momentum(0.01, 0.9);
  const vars = model.net.trainableWeights.map((w) => w.read() as tf.Variable);
  return {
    params: model.countParams(),
    async step() {
      const { value, grads } = tf.variableGrads(
        () => loss.compute(model.apply(x, { training: true }), y) as tf.Scalar,
        vars,
      );
      opt.applyGradients(grads as Parameters<typeof opt.applyGradients>[0]);
      const v = (await readData(value))[0];
      tf.dispose([value, ...Object.values(grads)]);
      return v;
    },
    dispose: () => (tf.dispose([x, y]), opt.dispose(), model.dispose()),
  };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The slowest kernels of one profiled step (name, total ms, calls). */
async function profileStep(r: Runner) {
  const info = await tf.profile(async () => {
    await r.step();
  });
  const byName = new Map<string, { ms: number; calls: number }>();
  let timed = false;
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    const ms = typeof k.kernelTimeMs === "number" ? k.kernelTimeMs : 0;
    if (ms > 0) timed = true;
    e.ms += ms;
    e.calls++;
    byName.set(k.name, e);
  }
  return {
    peak_tensor_mib: round(info.peakBytes / 2 ** 20),
    kernel_calls: info.kernels.length,
    kernel_times: timed ? "measured" : "unavailable on this backend/adapter (calls counted only)",
    top_kernels: [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms || b[1].calls - a[1].calls).slice(
      0,
      top,
    )
      .map(([kernel, v]) => ({ kernel, ms: round(v.ms, 2), calls: v.calls })),
  };
}

async function benchCase(c: Case, backend: string): Promise<Record<string, unknown>> {
  if (performance.now() > deadline) return { backend, skipped: `--deadline-s ${args["deadline-s"]} reached` };
  if (backend === "wasm" && !small && c.net === "ocrnet" && !args["wasm-full"]) {
    return { backend, skipped: "OCRNet at full size takes minutes per step on wasm; --wasm-full runs it" };
  }
  try {
    await ready(backend, { quiet: true, probes });
  } catch (e) {
    return { backend, skipped: (e as Error).message };
  }
  const r = runner(c);
  try {
    const t0 = performance.now();
    let loss = await r.step();
    const first = performance.now() - t0;
    const times: number[] = [];
    let peakGpu = 0;
    for (let i = 0; i < steps; i++) {
      const t = performance.now();
      loss = await r.step();
      times.push(performance.now() - t);
      const m = tf.memory() as { numBytesAllocatedInGPU?: number; numBytesInGPU?: number };
      peakGpu = Math.max(peakGpu, m.numBytesAllocatedInGPU ?? m.numBytesInGPU ?? 0);
    }
    const profile = await profileStep(r);
    return {
      backend,
      detail: backendInfo()?.detail,
      params: r.params,
      first_step_ms: round(first),
      median_ms: round(median(times)),
      steps_ms: times.map((t) => round(t)),
      loss: round(loss, 4),
      peak_gpu_mib: backend === "webgpu" ? round(peakGpu / 2 ** 20) : undefined,
      ...profile,
    };
  } catch (e) {
    return { backend, failed: `${(e as Error).name}: ${(e as Error).message}` };
  } finally {
    r.dispose();
  }
}

/** PyTorch on the same machine (CUDA if it has it); null values where it is absent. */
function torchBench(list: Case[]): Record<string, unknown> {
  if (args["no-torch"]) return { skipped: "--no-torch" };
  if (!existsSync(args.python)) return { skipped: `${args.python} not found` };
  const script = new URL("./gpu_torch.py", import.meta.url).pathname;
  const left = deadline === Infinity
    ? undefined
    : Math.round(Math.max(30_000, deadline - performance.now() + 60_000));
  const r = spawnSync(args.python, [script, "--steps", String(steps), "--cases", JSON.stringify(list)], {
    encoding: "utf8",
    maxBuffer: 1 << 24,
    timeout: left,
  });
  if (r.error) return { skipped: `${args.python}: ${r.error.message}` };
  if (r.status !== 0) {
    return { skipped: `${args.python} failed: ${(r.stderr || "").trim().split("\n").pop()}` };
  }
  try {
    return JSON.parse(r.stdout);
  } catch {
    return { skipped: `unreadable output: ${r.stdout.slice(0, 200)}` };
  }
}

const wanted = new Set(args.cases.split(",").map((s) => s.trim()));
const list = cases(small).filter((c) => wanted.has(c.name));
const backends = args.backends.split(",").map((s) => s.trim()).filter(Boolean);
const loadBefore = os.loadavg().map((l) => round(l, 2));
const results: Record<string, unknown>[] = [];
let torch: Record<string, unknown> = { skipped: "not run yet" };

/** The whole document as it stands (written after every case, so a cut-short run leaves its figures). */
function documentNow(): string {
  for (const r of results) {
    const name = (r.case as Case).name;
    const b = r.backends as Record<string, Record<string, unknown>>;
    const gpu = b.webgpu?.median_ms as number | undefined, cpu = b.wasm?.median_ms as number | undefined;
    const t = ((torch.cases ?? {}) as Record<string, Record<string, unknown>>)[name];
    r.torch = t ?? null;
    r.ratios = {
      webgpu_vs_wasm: gpu && cpu ? round(gpu / cpu, 3) : null,
      webgpu_vs_torch: gpu && typeof t?.median_ms === "number"
        ? round(gpu / (t.median_ms as number), 3)
        : null,
    };
  }
  const s = gpuDeviceState();
  return JSON.stringify(
    {
      benchmark: "gpu",
      small,
      steps,
      adapter: s
        ? {
          ...s.adapterInfo,
          maxBufferSize: s.limits.maxBufferSize,
          maxStorageBufferBindingSize: s.limits.maxStorageBufferBindingSize,
        }
        : null,
      runtime: `deno ${Deno.version.deno}`,
      cpus: os.cpus().length,
      loadavg_before: loadBefore,
      loadavg_after: os.loadavg().map((l) => round(l, 2)),
      results,
      torch: { ...torch, cases: undefined },
    },
    null,
    2,
  );
}

function save(): string {
  const text = documentNow();
  if (args.out) {
    mkdirSync(path.dirname(path.resolve(args.out)), { recursive: true });
    writeFileSync(args.out + ".tmp", text + "\n");
    Deno.renameSync(args.out + ".tmp", args.out);
  }
  return text;
}

for (const c of list) {
  const byBackend: Record<string, Record<string, unknown>> = {};
  results.push({ case: c, backends: byBackend });
  for (const b of backends) {
    console.error(`bench/gpu: ${c.name} on ${b}…`);
    byBackend[b] = await benchCase(c, b);
    save();
  }
}
console.error("bench/gpu: PyTorch…");
torch = torchBench(list);
console.log(save());
