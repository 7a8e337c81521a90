/**
 * The `webgpu` backend as seglab starts it: automatic selection of a hardware adapter, the
 * report line, the device's limits and the size guard, clear errors for synchronous reads (and
 * the strict test mode), backend switching, the losses' device-side checks, and a lost device
 * failing clearly instead of hanging. Needs a WebGPU adapter (Mesa's llvmpipe on CI).
 */
import assert from "node:assert/strict";
import * as path from "node:path";
import {
  addLogitsToConfusion,
  addLogitsToConfusionAsync,
  backendInfo,
  backendReport,
  createLoss,
  emptyConfusion,
  GpuDeviceError,
  GpuLimitError,
  LossError,
  readData,
  ready,
  settleLossChecks,
  SyncReadError,
  tf,
} from "../../lib/mod.ts";
import { gpuDeviceState, type Probes } from "../../lib/backend/mod.ts";
import { describeTensor, toMimeBundle } from "../../lib/display/mod.ts";
import { train } from "../../lib/train/mod.ts";
import { shippedDataPath } from "../../datasets/mod.ts";
import { webgpuTest } from "../support/webgpu.ts";

const WEBGPU_PACKAGE = "@tensorflow/tfjs-backend-webgpu";

webgpuTest(
  "automatic selection takes a hardware adapter; the report names adapter, vendor and limits",
  async () => {
    // The adapter here is software; a probe that calls it hardware stands in for a real GPU.
    const hardware: Partial<Probes> = {
      importModule: (s) =>
        s === WEBGPU_PACKAGE
          ? import(s)
          : Promise.reject(Object.assign(new Error(`Cannot find package '${s}'`), {
            code: "ERR_MODULE_NOT_FOUND",
          })),
      gpuAdapter: () =>
        Promise.resolve({ description: "NVIDIA H100", software: false, vendor: "NVIDIA (0x10de)" }),
    };
    await ready("wasm", { quiet: true });
    assert.equal(await ready(undefined, { quiet: true, probes: hardware }), "webgpu");
    assert.equal(backendInfo()!.onDevice, true);
    const line = backendReport();
    assert.match(
      line,
      /^seglab: backend webgpu \(NVIDIA H100, vendor \S.*, maxBufferSize \d+ MiB, maxStorageBufferBindingSize \d+ MiB/,
    );
    // The real adapter, asked for by name: its maximum limits are in force on the device.
    await ready("wasm", { quiet: true });
    await ready("webgpu", { quiet: true });
    const s = gpuDeviceState()!;
    const adapter = await (navigator as unknown as {
      gpu: { requestAdapter(): Promise<{ limits: Record<string, number> }> };
    })
      .gpu.requestAdapter();
    assert.equal(s.limits.maxStorageBufferBindingSize, adapter.limits.maxStorageBufferBindingSize);
    assert.equal(s.limits.maxBufferSize, adapter.limits.maxBufferSize);
    assert.match(backendReport(), /software adapter, opted in/);
  },
);

webgpuTest(
  "a tensor over the device's binding limit fails naming the op, its size and the limit",
  () => {
    const limit = gpuDeviceState()!.limits.maxStorageBufferBindingSize;
    const n = Math.floor(limit / 4) + 1024;
    const big = tf.zeros([n]);
    try {
      assert.throws(
        () => tf.add(big, 1),
        (e: unknown) =>
          e instanceof GpuLimitError &&
          new RegExp(
            `webgpu: \\w+ needs its (output|input 0), a float32 tensor \\[${n}\\].*\\(${
              n * 4
            } bytes\\), over this device's maxStorageBufferBindingSize .*\\(${limit} bytes\\)`,
          )
            .test(e.message),
      );
    } finally {
      big.dispose();
    }
  },
);

webgpuTest("synchronous reads fail with the async form to use; the async forms work", async () => {
  const x = tf.tidy(() => tf.add(tf.zeros([2, 4, 4, 3]), tf.randomNormal([2, 4, 4, 3], 0, 1, "float32", 1)));
  const y = tf.zeros([2, 4, 4], "int32");
  try {
    assert.throws(
      () => x.dataSync(),
      (e: unknown) => e instanceof SyncReadError && /await t\.data\(\)/.test(String(e)),
    );
    assert.throws(() => describeTensor(x), /describeTensorAsync/);
    const cm = emptyConfusion(3);
    assert.throws(() => addLogitsToConfusion(cm, x, y), /await addLogitsToConfusionAsync/);
    await addLogitsToConfusionAsync(cm, x, y);
    assert.equal(cm.counts.reduce((a, b) => a + b, 0), 32);
    const bundle = await toMimeBundle(x);
    assert.match(String(bundle["text/plain"]), /^Tensor float32 \[2,4,4,3\] min -?\d/);
    // Strict mode (on in these tests): even a tensor whose values sit on the CPU refuses dataSync.
    const small = tf.tensor([1, 2, 3]);
    assert.throws(() => small.dataSync(), /strict mode/);
    assert.deepEqual(Array.from(await readData(small)), [1, 2, 3]);
    small.dispose();
  } finally {
    tf.dispose([x, y]);
  }
});

webgpuTest("the losses' input checks run on the device and report through settleLossChecks", async () => {
  const logits = tf.zeros([1, 4, 4, 2]) as tf.Tensor4D;
  const bad = tf.tensor3d(Array.from({ length: 16 }, (_, i) => (i === 5 ? 7 : i % 2)), [1, 4, 4], "int32");
  const nan = tf.div(tf.zeros([1, 4, 4, 2]), tf.zeros([1, 4, 4, 2])) as tf.Tensor4D;
  const good = tf.zeros([1, 4, 4], "int32") as tf.Tensor3D;
  try {
    const ce = createLoss({ type: "CrossEntropyLoss" });
    const v = ce.compute(logits, bad);
    v.dispose();
    await assert.rejects(
      settleLossChecks(),
      (e: unknown) => e instanceof LossError && /contain the value 7/.test(String(e)),
    );
    const w = createLoss({ type: "LovaszHingeLoss" }).compute(nan, good);
    w.dispose();
    await assert.rejects(settleLossChecks(), /logits contain non-finite values \(32 NaN, 0 Inf of 32\)/);
    const ok = ce.compute(logits, good);
    await settleLossChecks();
    assert.ok(Math.abs((await readData(ok))[0] - Math.log(2)) < 1e-6);
    ok.dispose();
  } finally {
    tf.dispose([logits, bad, nan, good]);
  }
});

webgpuTest("switching backends within a process keeps variables' values", async () => {
  const v = tf.variable(tf.tidy(() => tf.mul(tf.ones([3]), 2)));
  try {
    await ready("wasm", { quiet: true });
    assert.deepEqual(Array.from(v.dataSync()), [2, 2, 2]);
    await ready("webgpu", { quiet: true });
    v.assign(tf.tidy(() => tf.add(v, 1)));
    assert.deepEqual(Array.from(await v.data()), [3, 3, 3]);
  } finally {
    v.dispose();
  }
});

webgpuTest(
  "a lost device fails reads and training clearly, keeps the last checkpoint, and ready() recovers",
  async () => {
    const dir = await Deno.makeTempDir({ prefix: "seglab-lost-" });
    try {
      const roads = shippedDataPath("synthetic-roads");
      const run = train({
        progress: false,
        log: false,
        seed: 5,
        saveDir: dir,
        saveInterval: 1,
        doEval: false,
        onProgress: (e) => {
          if (e.type === "checkpoint" && e.iter === 1) gpuDeviceState()!.device.destroy();
        },
        config: {
          batch_size: 1,
          iters: 3,
          train_dataset: {
            type: "MiniDeepGlobeRoadExtraction",
            dataset_root: roads,
            transforms: [{ type: "RandomPaddingCrop", crop_size: [16, 16] }, { type: "Normalize" }],
            mode: "train",
          },
          model: { type: "UNet", num_classes: 2, base_channels: 4, depth: 1 },
          loss: { types: [{ type: "CrossEntropyLoss" }], coef: [1] },
          optimizer: { type: "SGD" },
          lr_scheduler: { type: "PolynomialDecay", learning_rate: 0.01 },
        },
      });
      await assert.rejects(
        run,
        (e: unknown) =>
          e instanceof GpuDeviceError && /webgpu: the WebGPU device was lost/.test(String(e)) &&
          e.message.includes(path.join(dir, "iter_1")),
      );
      await assert.rejects(readData(tf.tensor([1])), GpuDeviceError);
      // Asked for again, webgpu starts on a new device.
      await ready("wasm", { quiet: true });
      await ready("webgpu", { quiet: true });
      assert.equal(gpuDeviceState()!.lost, null);
      const t = tf.add(tf.tensor([1, 2]), 1);
      assert.deepEqual(Array.from(await readData(t)), [2, 3]);
      t.dispose();
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
);
