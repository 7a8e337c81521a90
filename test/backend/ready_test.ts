/**
 * Backend selection. The native addon (tfjs-node-gpu / tfjs-node) and a hardware GPU are absent
 * here, so those paths run with injected probes: a fake package import that registers a
 * stand-in `tensorflow` backend, and a fake WebGPU adapter.
 */
import assert from "node:assert/strict";
import process from "node:process";
import { backendInfo, backendReport, ready, tf } from "../../lib/mod.ts";
import { backendOnDevice, BACKENDS, type Probes } from "../../lib/backend/mod.ts";

const notInstalled = (s: string) =>
  Object.assign(new Error(`Cannot find package '${s}'`), { code: "ERR_MODULE_NOT_FOUND" });
const noPackages: Probes["importModule"] = (s) => Promise.reject(notInstalled(s));
const noGpu: Probes["gpuAdapter"] = () => Promise.resolve("no WebGPU adapter (test)");

/** Probes under which `import(pkg)` registers a stand-in `tensorflow` backend. */
function fakeTfjsNode(pkg: string, usingGpu: boolean): Partial<Probes> {
  return {
    gpuAdapter: noGpu,
    importModule: (s) => {
      if (s !== pkg) return Promise.reject(notInstalled(s));
      tf.registerBackend("tensorflow", () => {
        const cpu = tf.findBackend("cpu") ?? tf.engine().registry.cpu;
        const b = new (cpu.constructor as new () => tf.KernelBackend)();
        Object.assign(b, { isGPUPackage: pkg.endsWith("-gpu"), isUsingGpuDevice: usingGpu, firstUse: false });
        return b;
      }, 3);
      return Promise.resolve({});
    },
  };
}

async function withoutFakeBackend(fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } finally {
    if (tf.findBackendFactory("tensorflow")) tf.removeBackend("tensorflow");
    await ready("wasm", { quiet: true });
  }
}

Deno.test("ready() picks a backend, reports it in one line, and honours an explicit name", async () => {
  const name = await ready(undefined, { quiet: true });
  assert.ok(["wasm", "cpu", "webgpu", "tensorflow"].includes(name), name);
  assert.equal(tf.getBackend(), name);
  assert.match(backendReport(), new RegExp(`^seglab: backend ${name}`));
  assert.doesNotMatch(backendReport(), /\n/);
  assert.equal(await ready("cpu", { quiet: true }), "cpu");
  assert.equal(tf.getBackend(), "cpu");
  assert.match(backendReport(), /^seglab: backend cpu .*\[argument\]/);
});

Deno.test("the order is tensorflow, webgpu, wasm, cpu; skipped ones are named with the reason", async () => {
  assert.deepEqual([...BACKENDS], ["tensorflow", "webgpu", "wasm", "cpu"]);
  const name = await ready(undefined, {
    quiet: true,
    probes: { importModule: noPackages, gpuAdapter: noGpu },
  });
  assert.equal(name, "wasm");
  const line = backendReport();
  assert.match(
    line,
    /^seglab: backend wasm \(SIMD, \d+ threads?, seglab training kernels: \d+\); skipped tensorflow: not installed \(npm install @tensorflow\/tfjs-node-gpu or @tensorflow\/tfjs-node\); webgpu: no WebGPU adapter \(test\)$/,
  );
  assert.deepEqual(backendInfo()!.skipped.map((s) => s.name), ["tensorflow", "webgpu"]);
});

Deno.test("ready() refuses an unknown backend and lists the valid ones", async () => {
  await assert.rejects(() => ready("tpu"), /unknown backend "tpu".*tensorflow, webgpu, wasm, cpu/);
});

Deno.test("SEGLAB_BACKEND chooses the backend; a bad value names the variable", async () => {
  const saved = process.env.SEGLAB_BACKEND;
  try {
    process.env.SEGLAB_BACKEND = "cpu";
    assert.equal(await ready(undefined, { quiet: true }), "cpu");
    assert.match(backendReport(), /\[SEGLAB_BACKEND\]/);
    process.env.SEGLAB_BACKEND = "gpu";
    await assert.rejects(() => ready(), /unknown backend "gpu" \(from SEGLAB_BACKEND\)/);
    assert.equal(await ready("wasm", { quiet: true }), "wasm", "the argument wins over the variable");
  } finally {
    if (saved === undefined) delete process.env.SEGLAB_BACKEND;
    else process.env.SEGLAB_BACKEND = saved;
  }
});

Deno.test("a requested backend that cannot start says why and does not fall back unless asked", async () => {
  await ready("wasm", { quiet: true });
  const probes = {
    gpuAdapter: noGpu,
    importModule: (s: string) =>
      s.endsWith("-gpu")
        ? Promise.reject(
          new Error("libcudart.so.11.0: cannot open shared object file: No such file or directory"),
        )
        : Promise.reject(notInstalled(s)),
  };
  await assert.rejects(
    () => ready("tensorflow", { quiet: true, probes }),
    /backend "tensorflow" could not start: @tensorflow\/tfjs-node-gpu failed to load: libcudart\.so\.11\.0: cannot open.*, @tensorflow\/tfjs-node not installed\. Pass \{ fallback: true \}/,
  );
  assert.equal(tf.getBackend(), "wasm", "a failed request leaves the active backend alone");
  assert.equal(await ready("tensorflow", { quiet: true, fallback: true, probes }), "wasm");
  assert.match(backendReport(), /skipped tensorflow: .*libcudart.*; webgpu: no WebGPU adapter/);
});

Deno.test("installing tfjs-node-gpu makes ready() pick it; on a GPU it is marked device-resident", async () => {
  await withoutFakeBackend(async () => {
    assert.equal(
      await ready(undefined, { quiet: true, probes: fakeTfjsNode("@tensorflow/tfjs-node-gpu", true) }),
      "tensorflow",
    );
    assert.match(backendReport(), /^seglab: backend tensorflow \(@tensorflow\/tfjs-node-gpu on the GPU\)$/);
    assert.equal(backendInfo()!.onDevice, true);
    assert.equal(backendOnDevice(), true, "the Lovász losses take their tensor path");
  });
});

Deno.test("tfjs-node-gpu that silently runs on the CPU is picked but reported as such, not device-resident", async () => {
  await withoutFakeBackend(async () => {
    assert.equal(
      await ready(undefined, { quiet: true, probes: fakeTfjsNode("@tensorflow/tfjs-node-gpu", false) }),
      "tensorflow",
    );
    assert.match(backendReport(), /tfjs-node-gpu, but RUNNING ON THE CPU: .*CUDA 11\.2 and cuDNN 8\.1/);
    assert.equal(backendInfo()!.warning, true);
    assert.equal(backendOnDevice(), false);
  });
});

Deno.test("tfjs-node (CPU package) is picked when tfjs-node-gpu is absent", async () => {
  await withoutFakeBackend(async () => {
    assert.equal(
      await ready(undefined, { quiet: true, probes: fakeTfjsNode("@tensorflow/tfjs-node", false) }),
      "tensorflow",
    );
    assert.match(
      backendReport(),
      /^seglab: backend tensorflow \(@tensorflow\/tfjs-node, libtensorflow on the CPU\)$/,
    );
    assert.equal(backendOnDevice(), false);
  });
});

Deno.test("a software WebGPU adapter is skipped in automatic selection, usable when asked for", async () => {
  const soft: Partial<Probes> = {
    importModule: noPackages,
    gpuAdapter: () => Promise.resolve({ description: "llvmpipe (LLVM 15.0.6, 256 bits)", software: true }),
  };
  assert.equal(await ready(undefined, { quiet: true, probes: soft }), "wasm");
  assert.match(
    backendReport(),
    /webgpu: adapter "llvmpipe .*" is a software rasteriser .*SEGLAB_WEBGPU_SOFTWARE=1/,
  );
  // Asked for by name, the software adapter is accepted; here the package import is refused.
  await assert.rejects(
    () => ready("webgpu", { quiet: true, probes: soft }),
    /backend "webgpu" could not start: @tensorflow\/tfjs-backend-webgpu not installed/,
  );
  const hard: Partial<Probes> = {
    importModule: noPackages,
    gpuAdapter: () => Promise.resolve({ description: "NVIDIA H100", software: false }),
  };
  assert.equal(await ready(undefined, { quiet: true, probes: hard }), "wasm");
  assert.match(
    backendReport(),
    /skipped tensorflow: not installed.*; webgpu: @tensorflow\/tfjs-backend-webgpu not installed/,
  );
  await ready("wasm", { quiet: true });
});

Deno.test("ready(): in a notebook the backend note is a quiet display line, not stderr", async () => {
  const { setOutputSink } = await import("../../lib/display/sink.ts");
  await ready("wasm", { quiet: true }); // a different backend first, so the cpu note is new
  const shown: Record<string, unknown>[] = [];
  const errors: unknown[] = [];
  const err = console.error;
  console.error = (...a: unknown[]) => void errors.push(a);
  setOutputSink({ name: "test-notebook", display: (b) => void shown.push(b as Record<string, unknown>) });
  try {
    await ready("cpu");
  } finally {
    setOutputSink(null);
    console.error = err;
  }
  assert.deepEqual(errors, []);
  assert.equal(shown.length, 1);
  assert.match(String(shown[0]["text/plain"]), /^seglab: backend cpu /);
  assert.match(
    String(shown[0]["text/html"]),
    /^<div style="color:#6e7781;font-size:85%">seglab: backend cpu /,
  );
});
