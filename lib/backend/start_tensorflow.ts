/**
 * Starting the `tensorflow` backend: libtensorflow through `@tensorflow/tfjs-node-gpu` or
 * `@tensorflow/tfjs-node`, when one is installed and its native addon loads. Neither is a
 * dependency of seglab: `npm install @tensorflow/tfjs-node-gpu` (or `-node`) is all it takes for
 * `ready()` to pick it.
 *
 * tfjs-node-gpu 4.22 bundles libtensorflow 2.9.1, built for CUDA 11.2 and cuDNN 8.1. On a host
 * whose CUDA it cannot use, it loads anyway and silently computes on the CPU; seglab asks the
 * addon which device it really uses and says so.
 * @module
 */
import { tf } from "../core/tf.ts";
import { markDeviceBackend } from "./device.ts";
import { firstLine, isNotInstalled, type Probes } from "./probes.ts";
import type { StartResult } from "./start_result.ts";

/** The packages tried, in order. */
export const TENSORFLOW_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

/** What the tfjs-node backend object exposes about its device. */
interface NodeBackendLike {
  isGPUPackage?: boolean;
  isUsingGpuDevice?: boolean;
}

/** Loads tfjs-node-gpu or tfjs-node and makes `tensorflow` the active backend. */
export async function startTensorflow(probes: Probes): Promise<StartResult> {
  const problems: string[] = [];
  let missing = 0;
  for (const pkg of TENSORFLOW_PACKAGES) {
    try {
      await probes.importModule(pkg);
    } catch (e) {
      if (isNotInstalled(e)) missing++;
      problems.push(isNotInstalled(e) ? `${pkg} not installed` : `${pkg} failed to load: ${firstLine(e)}`);
      continue;
    }
    if (!tf.findBackendFactory("tensorflow")) {
      problems.push(
        `${pkg} loaded but registered its backend with another copy of @tensorflow/tfjs-core ` +
          `(install the version matching @tensorflow/tfjs ${tf.version_core})`,
      );
      continue;
    }
    try {
      if (!(await tf.setBackend("tensorflow"))) throw new Error("setBackend returned false");
      await tf.ready();
    } catch (e) {
      problems.push(`${pkg}: backend failed to start: ${firstLine(e)}`);
      continue;
    }
    const b = tf.backend() as unknown as NodeBackendLike;
    const gpuPackage = b.isGPUPackage ?? pkg.endsWith("-gpu");
    if (!gpuPackage) {
      markDeviceBackend("tensorflow", false);
      return { ok: true, detail: `${pkg}, libtensorflow on the CPU` };
    }
    if (b.isUsingGpuDevice === true) {
      markDeviceBackend("tensorflow", true);
      return { ok: true, detail: `${pkg} on the GPU`, onDevice: true };
    }
    markDeviceBackend("tensorflow", false);
    return {
      ok: true,
      detail: `${pkg}, but RUNNING ON THE CPU: libtensorflow 2.9.1 found no usable GPU ` +
        `(it needs an NVIDIA driver with CUDA 11.2 and cuDNN 8.1 libraries on the library path)`,
      warning: true,
    };
  }
  if (missing === TENSORFLOW_PACKAGES.length) {
    return { ok: false, reason: `not installed (npm install ${TENSORFLOW_PACKAGES.join(" or ")})` };
  }
  return { ok: false, reason: problems.join(", ") };
}
