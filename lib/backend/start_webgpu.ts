/**
 * Starting the `webgpu` backend: Deno's built-in WebGPU (wgpu over Vulkan, Metal or D3D12) and
 * `@tensorflow/tfjs-backend-webgpu`. Automatic selection takes a hardware adapter; software
 * adapters (Mesa's llvmpipe/lavapipe, SwiftShader) run TensorFlow.js's shaders ~30× slower than
 * the `wasm` backend, so they are used only when asked for: `ready("webgpu")`,
 * `SEGLAB_WEBGPU_SOFTWARE=1` or `{ softwareGpu: true }`.
 *
 * seglab creates the device itself ({@linkcode createGpuDevice}): the adapter's maximum limits,
 * a watch for device loss and out-of-memory, a size check naming the op before a tensor goes over
 * a limit, and clear errors for synchronous reads (Deno has no 2D canvas, so `dataSync()` cannot
 * work on the GPU: seglab reads with `await t.data()` everywhere on the training path).
 * @module
 */
import { tf } from "../core/tf.ts";
import { markDeviceBackend } from "./device.ts";
import { firstLine, type GpuAdapterSummary, isNotInstalled, type Probes, vendorName } from "./probes.ts";
import type { StartResult } from "./start_result.ts";
import { createGpuDevice, gpuDeviceState } from "./webgpu/gpu_device.ts";
import { installSyncReadGuards } from "./webgpu/sync_reads.ts";
import { installLimitsGuard } from "./webgpu/limits_guard.ts";

/** The package that provides the backend. */
export const WEBGPU_PACKAGE = "@tensorflow/tfjs-backend-webgpu";

// deno-lint-ignore no-explicit-any
type Any = any;

let installedFor: unknown = null;

/** Replaces the package's backend factory with seglab's (max limits, health watch, guards). */
function installFactory(Backend: Any): void {
  if (installedFor === Backend) return;
  installSyncReadGuards(Backend.prototype);
  installLimitsGuard(
    Backend.prototype,
    (b) => (b as { seglabLimits?: Record<string, number> }).seglabLimits ?? {},
  );
  if (tf.findBackendFactory("webgpu")) tf.removeBackend("webgpu");
  tf.registerBackend("webgpu", async () => {
    const s = await createGpuDevice();
    const backend = new Backend(s.device, s.adapterInfo);
    backend.seglabLimits = s.limits;
    return backend;
  }, 1);
  installedFor = Backend;
}

function mib(b: number | undefined): string {
  return b === undefined ? "?" : `${Math.round(b / 2 ** 20)} MiB`;
}

/** The report's detail: adapter, vendor and the two buffer limits in force. */
function describe(adapter: GpuAdapterSummary): string {
  const s = gpuDeviceState();
  const limits = s?.limits ?? {};
  const vendor = s ? vendorName(String(s.adapterInfo.vendor ?? "")) : adapter.vendor ?? "unknown vendor";
  return `${adapter.description}, vendor ${vendor}, maxBufferSize ${
    mib(limits.maxBufferSize ?? adapter.maxBufferSize)
  }, maxStorageBufferBindingSize ${
    mib(limits.maxStorageBufferBindingSize ?? adapter.maxStorageBufferBindingSize)
  }` +
    (adapter.software ? "; software adapter, opted in" : "") + "; reads are async (await t.data())";
}

/** Starts `webgpu` if a suitable adapter exists; `allowSoftware` accepts a software adapter. */
export async function startWebgpu(probes: Probes, allowSoftware: boolean): Promise<StartResult> {
  const adapter = await probes.gpuAdapter();
  if (typeof adapter === "string") return { ok: false, reason: adapter };
  if (adapter.software && !allowSoftware) {
    return {
      ok: false,
      reason: `adapter "${adapter.description}" is a software rasteriser (slower than wasm); ` +
        `opt in with SEGLAB_WEBGPU_SOFTWARE=1 or ready("webgpu")`,
    };
  }
  let mod: Any;
  try {
    mod = await probes.importModule(WEBGPU_PACKAGE);
  } catch (e) {
    return {
      ok: false,
      reason: isNotInstalled(e)
        ? `${WEBGPU_PACKAGE} not installed (npm install ${WEBGPU_PACKAGE}@${tf.version_core})`
        : `${WEBGPU_PACKAGE} failed to load: ${firstLine(e)}`,
    };
  }
  if (!mod?.WebGPUBackend || !tf.findBackendFactory("webgpu")) {
    return {
      ok: false,
      reason: `${WEBGPU_PACKAGE} registered its backend with another copy of @tensorflow/tfjs-core`,
    };
  }
  installFactory(mod.WebGPUBackend);
  const old = gpuDeviceState();
  if (old && (old.lost !== null || old.failure !== null) && tf.engine().registry.webgpu) {
    // A lost or failed device cannot be reused: the next start creates a new one.
    tf.removeBackend("webgpu");
    installedFor = null;
    installFactory(mod.WebGPUBackend);
  }
  try {
    if (!(await tf.setBackend("webgpu"))) {
      return { ok: false, reason: "the webgpu backend failed to initialise" };
    }
    await tf.ready();
  } catch (e) {
    return { ok: false, reason: `the webgpu backend failed to initialise: ${firstLine(e)}` };
  }
  // Tensors live in GPU buffers, software adapter or not: the losses take their device paths.
  markDeviceBackend("webgpu", true);
  return { ok: true, detail: describe(adapter), onDevice: true };
}
