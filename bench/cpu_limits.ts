/**
 * Issue 15's table in one run: each row beside PyTorch where PyTorch has a counterpart, with the
 * machine's load before and after each row. Runs the row scripts in turn and prints one JSON
 * document (their JSON under `rows`, and the ratios under `summary`):
 *
 * - the reference U-Net train step (`bench/train_step.ts`, wasm, PyTorch 2 threads): target ≤ 1.0×;
 * - Lovász-Softmax N=2, C=19, 512×1024, forward + backward (`bench/losses.ts`): target ≤ 0.2×;
 * - OCRNet-HRNet-W18 at PaddleSeg's crops 1024×512×2 and 768×768×2 on wasm, 19 classes with
 *   cross-entropy and the road config's 2 classes with CE + Lovász hinge (`bench/recompute.ts`):
 *   target: trains (about a minute per step on 2 cores; `--no-ocrnet` skips).
 *
 *   deno run -A bench/cpu_limits.ts [--no-ocrnet] [--torch-threads 2] [--iters 1]
 */
import { parseArgs } from "node:util";
import { spawnSync } from "node:child_process";
import os from "node:os";

const { values: args } = parseArgs({
  args: Deno.args,
  options: {
    "no-ocrnet": { type: "boolean" },
    "torch-threads": { type: "string", default: "2" },
    iters: { type: "string", default: "1" },
  },
});

const load = () => os.loadavg().map((v) => Number(v.toFixed(2)));

function row(script: string, argv: string[], timeoutSec: number): Record<string, unknown> {
  const before = load();
  const t = performance.now();
  const r = spawnSync(Deno.execPath(), ["run", "-A", new URL(script, import.meta.url).pathname, ...argv], {
    encoding: "utf8",
    timeout: timeoutSec * 1000,
    maxBuffer: 64 * 2 ** 20,
  });
  const out = (r.stdout ?? "").trim();
  const start = out.indexOf("{");
  let json: Record<string, unknown> | null = null;
  try {
    json = start >= 0 ? JSON.parse(out.slice(start)) : null;
  } catch {
    json = null;
  }
  return {
    script,
    argv,
    seconds: Math.round((performance.now() - t) / 1000),
    loadavgBefore: before,
    loadavgAfter: load(),
    ...(json
      ? { result: json }
      : { error: (r.stderr || `exit ${r.status}`).trim().split("\n").slice(-3).join(" | ") }),
  };
}

const rows: Record<string, unknown>[] = [];
const unet = row("./train_step.ts", [
  "--backends",
  "wasm",
  "--no-profile",
  "--torch-threads",
  args["torch-threads"]!,
], 1800);
rows.push(unet);
const lovasz = row("./losses.ts", [
  "--cases",
  "softmax_n2_c19_512x1024",
  "--torch-threads",
  args["torch-threads"]!,
], 1800);
rows.push(lovasz);
if (!args["no-ocrnet"]) {
  rows.push(
    row("./recompute.ts", ["--cases", "512x1024x2:auto,768x768x2:auto", "--iters", args.iters!], 7200),
  );
  // PaddleSeg's road-extraction config: 2 classes, CE + Lovász hinge on both outputs, 768×768×2.
  rows.push(
    row("./recompute.ts", [
      "--cases",
      "768x768x2:auto",
      "--classes",
      "2",
      "--loss",
      "road",
      "--iters",
      args.iters!,
    ], 7200),
  );
}

const get = (o: unknown, ...path: (string | number)[]) =>
  path.reduce((a: unknown, k) => (a as Record<string | number, unknown> | undefined)?.[k], o);
const unetRes = (get(unet, "result", "results") as Record<string, unknown>[] | undefined)?.find((r) =>
  r.backend === "wasm"
);
const lovRes = (get(lovasz, "result", "results") as Record<string, unknown>[] | undefined)?.[0];
console.log(JSON.stringify(
  {
    bench: "cpu_limits (issue 15)",
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    summary: {
      unet_step: {
        seglab_ms: unetRes?.median_ms,
        torch_ms: get(unet, "result", "torch", "median_ms"),
        ratio: unetRes?.vs_torch,
        cpu_ratio: unetRes?.cpu_vs_torch,
        target: "≤ 1.0",
      },
      lovasz_softmax_n2_c19_512x1024: {
        seglab_ms: lovRes?.ms_median,
        torch_ms: lovRes?.torch_ms_median,
        ratio: lovRes?.ratio_to_torch,
        cpu_ratio: lovRes?.cpu_ratio_to_torch,
        target: "≤ 0.2",
      },
      ocrnet_w18_crops: args["no-ocrnet"] ? "skipped (--no-ocrnet)" : get(rows[2], "result", "results"),
      ocrnet_w18_road_768x768x2: args["no-ocrnet"]
        ? "skipped (--no-ocrnet)"
        : get(rows[3], "result", "results"),
    },
    rows,
  },
  null,
  1,
));
