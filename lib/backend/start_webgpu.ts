/**
 * Starting the `webgpu` backend: Deno (or a browser) with a hardware WebGPU adapter and
 * `@tensorflow/tfjs-backend-webgpu`. Software adapters (Mesa's llvmpipe/lavapipe, SwiftShader)
 * run TensorFlow.js's shaders ~30× slower than the `wasm` backend, so they are used only when
 * asked for: `ready("webgpu")`, `SEGLAB_WEBGPU_SOFTWARE=1` or `{ softwareGpu: true }`.
 *
 * tfjs-backend-webgpu reads tensors synchronously (`dataSync`, `arraySync`) by drawing them
 * through a 2D canvas; where the runtime has none (Deno 2.9: `OffscreenCanvas` without a 2D
 * context) those reads fail for all but tiny tensors, while `await t.data()` works. Automatic
 * selection therefore checks a synchronous read and moves on when it fails; asked for by name,
 * the backend starts and the report says so.
 * @module
 */
import { tf } from "../core/tf.ts";
import { markDeviceBackend } from "./device.ts";
import { firstLine, isNotInstalled, type Probes } from "./probes.ts";
import type { StartResult } from "./start_result.ts";

/** The package that provides the backend. */
export const WEBGPU_PACKAGE = "@tensorflow/tfjs-backend-webgpu";

/** Starts `webgpu` if a suitable adapter exists; `allowSoftware` accepts a software adapter. */
export async function startWebgpu(
  probes: Probes,
  allowSoftware: boolean,
  named = false,
): Promise<StartResult> {
  const adapter = await probes.gpuAdapter();
  if (typeof adapter === "string") return { ok: false, reason: adapter };
  if (adapter.software && !allowSoftware) {
    return {
      ok: false,
      reason: `adapter "${adapter.description}" is a software rasteriser (slower than wasm); ` +
        `opt in with SEGLAB_WEBGPU_SOFTWARE=1 or ready("webgpu")`,
    };
  }
  if (!tf.findBackendFactory("webgpu")) {
    try {
      await probes.importModule(WEBGPU_PACKAGE);
    } catch (e) {
      return {
        ok: false,
        reason: isNotInstalled(e)
          ? `${WEBGPU_PACKAGE} not installed (npm install ${WEBGPU_PACKAGE}@${tf.version_core})`
          : `${WEBGPU_PACKAGE} failed to load: ${firstLine(e)}`,
      };
    }
    if (!tf.findBackendFactory("webgpu")) {
      return {
        ok: false,
        reason: `${WEBGPU_PACKAGE} registered its backend with another copy of @tensorflow/tfjs-core`,
      };
    }
  }
  try {
    if (!(await tf.setBackend("webgpu"))) {
      return { ok: false, reason: "the webgpu backend failed to initialise" };
    }
    await tf.ready();
  } catch (e) {
    return { ok: false, reason: `the webgpu backend failed to initialise: ${firstLine(e)}` };
  }
  const syncProblem = syncReadProblem();
  if (syncProblem && !named) {
    return {
      ok: false,
      reason:
        `synchronous reads fail in this runtime (${syncProblem}); ready("webgpu") uses it anyway, with await t.data()`,
    };
  }
  markDeviceBackend("webgpu", !adapter.software);
  return {
    ok: true,
    detail: `${adapter.description}${adapter.software ? " (software adapter, opted in)" : ""}` +
      (syncProblem
        ? `; dataSync()/arraySync() FAIL here (${syncProblem}): read tensors with await t.data()`
        : ""),
    onDevice: !adapter.software,
    warning: syncProblem !== null,
  };
}

/** Null when `dataSync()` works on the active (webgpu) backend, else the error. */
function syncReadProblem(): string | null {
  const t = tf.tidy(() => tf.add(tf.zeros([4096]), 1));
  try {
    const v = t.dataSync();
    return v.length === 4096 && v[4095] === 1 ? null : "wrong values";
  } catch (e) {
    return firstLine(e);
  } finally {
    t.dispose();
  }
}
