/**
 * What backend selection asks of its surroundings — loading an optional package, finding a GPU
 * adapter — as replaceable functions, so that the selection logic can be tested on machines
 * without the native addon or the GPU (tests inject fakes through `ready(…, { probes })`).
 * @module
 */
import { ensureRuntimeDir } from "./webgpu/runtime_dir.ts";

/** What `ready()` learns about a WebGPU adapter. */
export interface GpuAdapterSummary {
  /** Vendor, architecture, device and description, as the runtime reports them. */
  description: string;
  /** True for software rasterisers (llvmpipe, lavapipe, SwiftShader, WARP) and fallback adapters. */
  software: boolean;
  /** The vendor as the runtime reports it (a name, or a PCI vendor id such as `0x10de`). */
  vendor?: string;
  /** The adapter's largest buffer, in bytes. */
  maxBufferSize?: number;
  /** The adapter's largest storage-buffer binding (the largest tensor a shader can read), in bytes. */
  maxStorageBufferBindingSize?: number;
}

/** The replaceable probes. */
export interface Probes {
  /** Dynamic `import()` of an optional npm package (tfjs-node, tfjs-node-gpu, tfjs-backend-webgpu). */
  importModule(specifier: string): Promise<unknown>;
  /** The WebGPU adapter, or a reason why there is none. */
  gpuAdapter(): Promise<GpuAdapterSummary | string>;
}

const SOFTWARE = /llvmpipe|lavapipe|softpipe|swiftshader|software|microsoft basic render|\bwarp\b/i;

async function defaultGpuAdapter(): Promise<GpuAdapterSummary | string> {
  const gpu = (globalThis as { navigator?: { gpu?: { requestAdapter(): Promise<unknown> } } }).navigator?.gpu;
  if (!gpu) return "this runtime has no WebGPU (navigator.gpu)";
  ensureRuntimeDir(); // no false "XDG_RUNTIME_DIR is invalid" from the Vulkan loader on headless Linux
  let adapter: {
    info?: Record<string, unknown>;
    isFallbackAdapter?: boolean;
    limits?: Record<string, number>;
  } | null;
  try {
    adapter = await (gpu.requestAdapter as (o?: unknown) => Promise<unknown>)({
      powerPreference: "high-performance",
    }) as typeof adapter;
  } catch (e) {
    return `requestAdapter() failed: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (!adapter) {
    return "no WebGPU adapter: install the GPU's driver (on Linux Deno's WebGPU needs Vulkan: libvulkan1 and " +
      "the vendor's Vulkan driver; mesa-vulkan-drivers gives a software adapter)";
  }
  const info = adapter.info ?? {};
  const text = (k: string) => String(info[k] ?? "").trim();
  const description = text("description") || text("device") ||
    [text("vendor"), text("architecture")].filter(Boolean).join(" ") || "unnamed adapter";
  const software = info.isFallbackAdapter === true || adapter.isFallbackAdapter === true ||
    SOFTWARE.test(description);
  return {
    description,
    software,
    vendor: vendorName(text("vendor")),
    maxBufferSize: adapter.limits?.maxBufferSize,
    maxStorageBufferBindingSize: adapter.limits?.maxStorageBufferBindingSize,
  };
}

const PCI_VENDORS: Record<number, string> = {
  0x10de: "NVIDIA",
  0x1002: "AMD",
  0x8086: "Intel",
  0x13b5: "ARM",
  0x5143: "Qualcomm",
  0x106b: "Apple",
  0x10005: "Mesa",
};

/** The vendor's name where the runtime gives a PCI id (wgpu on Vulkan reports `"4318"` for NVIDIA). */
export function vendorName(raw: string): string {
  const id = /^(0x[0-9a-f]+|\d+)$/i.test(raw) ? Number(raw) : NaN;
  if (Number.isNaN(id)) return raw || "unknown vendor";
  const hex = `0x${id.toString(16)}`;
  return PCI_VENDORS[id] ? `${PCI_VENDORS[id]} (${hex})` : hex;
}

/** The probes `ready()` uses unless told otherwise. */
export const defaultProbes: Probes = {
  importModule: (specifier) => import(specifier),
  gpuAdapter: defaultGpuAdapter,
};

/** True when an import error means "package not installed" rather than "installed but broken". */
export function isNotInstalled(e: unknown): boolean {
  const code = (e as { code?: string })?.code;
  if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") return true;
  const msg = e instanceof Error ? e.message : String(e);
  return /cannot find (module|package)|could not find (package|npm package)|not a dependency|not found in|could not resolve|module not found|is not in the project/i
    .test(msg) && !/\.node\b|libtensorflow|\.so\b|dlopen/i.test(msg);
}

/** The first line of an error message. */
export function firstLine(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return msg.split("\n")[0].trim();
}
