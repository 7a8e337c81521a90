/**
 * Training on `webgpu` end to end, at toy sizes, in strict mode (every synchronous tensor read
 * throws): PaddleSeg's recipe 1 (MixedLoss CE + Lovász hinge, evaluation, checkpoint), recipe 2
 * (fine-tune from that checkpoint with the Lovász hinge), the same run on `wasm` giving the same
 * losses, and checkpoints crossing backends both ways. Skipped without a WebGPU adapter (fails
 * with `SEGLAB_REQUIRE_WEBGPU=1`); on CI the adapter is Mesa's llvmpipe.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ready, setStrictAsyncReads, tf } from "../../lib/mod.ts";
import { finetune, loadCheckpoint, train, type TrainResult, type TrainSpec } from "../../lib/train/mod.ts";
import { shippedDataPath } from "../../datasets/mod.ts";
import { webgpuTest } from "../support/webgpu.ts";

const ROADS = shippedDataPath("synthetic-roads");
const CROP = 32;

function recipe1(over: Partial<TrainSpec> = {}): TrainSpec {
  return {
    progress: false,
    log: false,
    seed: 11,
    eval: { maxSamples: 2 },
    ...over,
    config: {
      batch_size: 2,
      iters: 3,
      train_dataset: {
        type: "MiniDeepGlobeRoadExtraction",
        dataset_root: ROADS,
        transforms: [{ type: "RandomPaddingCrop", crop_size: [CROP, CROP] }, { type: "Normalize" }],
        mode: "train",
      },
      val_dataset: {
        type: "MiniDeepGlobeRoadExtraction",
        dataset_root: ROADS,
        transforms: [{ type: "Normalize" }],
        mode: "val",
      },
      model: { type: "UNet", num_classes: 2, base_channels: 4, depth: 2 },
      loss: {
        types: [{
          type: "MixedLoss",
          losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszHingeLoss" }],
          coef: [0.8, 0.2],
        }],
        coef: [1],
      },
      optimizer: { type: "SGD", momentum: 0.9, weight_decay: 4e-5 },
      lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.01, power: 0.9, end_lr: 0 },
    },
  };
}

function losses(r: TrainResult): number[] {
  return r.history.rows.filter((row) => row.loss !== null && row.loss !== undefined).map((row) =>
    row.loss as number
  );
}

function assertLossesClose(a: number[], b: number[], rel: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: iterations`);
  a.forEach((v, i) => {
    assert.ok(Number.isFinite(v) && Number.isFinite(b[i]), `${what}: iteration ${i + 1}: ${v} vs ${b[i]}`);
    assert.ok(Math.abs(v - b[i]) <= rel * Math.abs(b[i]), `${what}: iteration ${i + 1}: ${v} vs ${b[i]}`);
  });
}

/** Runs `fn` on wasm (strict mode off), then returns to webgpu in strict mode. */
async function onWasm<T>(fn: () => Promise<T>): Promise<T> {
  setStrictAsyncReads(null);
  await ready("wasm", { quiet: true });
  try {
    return await fn();
  } finally {
    await ready("webgpu", { quiet: true });
    setStrictAsyncReads(true);
  }
}

webgpuTest(
  "recipe 1 (CE + Lovász hinge, evaluation, checkpoint) and recipe 2 (fine-tune) run and equal wasm",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "seglab-webgpu-" });
    try {
      const before = tf.memory().numTensors;
      const gpu = await train(recipe1({ saveDir: path.join(dir, "gpu"), saveInterval: 3, evalInterval: 3 }));
      assert.equal(gpu.iter, 3);
      assert.equal(losses(gpu).length, 3, "three losses recorded");
      if (Deno.env.get("SEGLAB_TEST_VERBOSE")) console.log(gpu.history.terms, losses(gpu));
      assert.ok(gpu.metrics && gpu.metrics.miou >= 0 && gpu.metrics.miou <= 1, "evaluation ran on webgpu");
      const ckDir = path.join(dir, "gpu", "iter_3");
      assert.ok(fs.existsSync(path.join(ckDir, "train_state.json")), "checkpoint written");
      const state = JSON.parse(fs.readFileSync(path.join(ckDir, "train_state.json"), "utf8"));
      assert.equal(state.backend, "webgpu");

      // The same run on wasm: the same losses, iteration by iteration (float32 on both).
      const cpu = await onWasm(() => train(recipe1({ saveDir: path.join(dir, "cpu"), saveInterval: 3 })));
      assertLossesClose(losses(gpu), losses(cpu), 2e-3, "webgpu vs wasm losses");
      if (Deno.env.get("SEGLAB_TEST_VERBOSE")) {
        console.log(
          losses(gpu),
          losses(cpu),
          gpu.metrics?.miou,
          cpu.metrics?.miou,
        );
      }

      // Recipe 2 from the webgpu checkpoint, on webgpu: starts from the checkpoint's weights.
      const ck = await loadCheckpoint(ckDir);
      const saved = new Map<string, Float32Array>();
      for (const [k, t] of Object.entries(ck.weights)) saved.set(k, (await t.data()) as Float32Array);
      ck.dispose();
      let atStart: Promise<Map<string, Float32Array>> | null = null;
      const ft = (from: string) => ({
        from,
        loss: { type: "LovaszHingeLoss" },
        iters: 2,
        lr: 0.005,
        doEval: false,
        progress: false,
        log: false,
      });
      const ftGpu = await finetune({
        ...ft(ckDir),
        onProgress: (e) => {
          if (e.type === "start") {
            atStart = Promise.all(
              e.model.namedWeights().map(async (w) =>
                [w.name, (await w.tensor.data()) as Float32Array] as const
              ),
            ).then((l) => new Map(l));
          }
        },
      });
      const start = await atStart!;
      for (const [k, v] of saved) {
        assert.deepEqual(
          start.get(k),
          v,
          `fine-tune starts from the checkpoint: ${k}`,
        );
      }
      assert.deepEqual(ftGpu.history.terms, ["out0.LovaszHingeLoss"]);
      // Checkpoints are backend-neutral: the webgpu checkpoint fine-tunes on wasm to the same losses,
      // and the wasm checkpoint fine-tunes on webgpu like on wasm.
      const ftCpuFromGpu = await onWasm(() => finetune(ft(ckDir)));
      assertLossesClose(losses(ftGpu), losses(ftCpuFromGpu), 2e-3, "fine-tune from the webgpu checkpoint");
      const cpuCk = path.join(dir, "cpu", "iter_3");
      const ftGpuFromCpu = await finetune(ft(cpuCk));
      const ftCpuFromCpu = await onWasm(() => finetune(ft(cpuCk)));
      assertLossesClose(
        losses(ftGpuFromCpu),
        losses(ftCpuFromCpu),
        2e-3,
        "fine-tune from the wasm checkpoint",
      );

      for (const r of [gpu, cpu, ftGpu, ftCpuFromGpu, ftGpuFromCpu, ftCpuFromCpu]) r.dispose();
      assert.equal(tf.memory().numTensors, before, "no tensor leaks on webgpu");
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
