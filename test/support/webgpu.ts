/**
 * Tests that need a WebGPU adapter (a GPU, or Mesa's software Vulkan: `mesa-vulkan-drivers` and
 * `libvulkan1`). Without one they report themselves skipped with the reason; with
 * `SEGLAB_REQUIRE_WEBGPU=1` (CI) they fail instead. They run on `webgpu` in strict mode: every
 * synchronous tensor read throws, so code that would fail on a real GPU fails here too.
 */
import { ready, setStrictAsyncReads } from "../../lib/mod.ts";

type Status = { ok: true; adapter: string } | { ok: false; reason: string };

async function probe(): Promise<Status> {
  const gpu =
    (navigator as { gpu?: { requestAdapter(): Promise<{ info?: { description?: string } } | null> } })
      .gpu;
  if (!gpu) return { ok: false, reason: "this Deno has no navigator.gpu" };
  try {
    const a = await gpu.requestAdapter();
    if (!a) {
      return {
        ok: false,
        reason:
          "no WebGPU adapter (install a GPU driver, or mesa-vulkan-drivers and libvulkan1 for llvmpipe)",
      };
    }
    return { ok: true, adapter: a.info?.description || "unnamed adapter" };
  } catch (e) {
    return { ok: false, reason: `requestAdapter() failed: ${(e as Error).message}` };
  }
}

/** Whether a WebGPU adapter is usable here, and why not. */
export const webgpuStatus: Status = await probe();

/** True when CI demands WebGPU (`SEGLAB_REQUIRE_WEBGPU=1`). */
export function webgpuRequired(): boolean {
  return Deno.env.get("SEGLAB_REQUIRE_WEBGPU") === "1";
}

/** Runs `fn` on webgpu with strict synchronous reads, restoring strict mode afterwards. */
export async function onWebgpu<T>(fn: () => T | Promise<T>): Promise<T> {
  await ready("webgpu", { quiet: true });
  setStrictAsyncReads(true);
  try {
    return await fn();
  } finally {
    setStrictAsyncReads(null);
  }
}

/**
 * `Deno.test` on the `webgpu` backend in strict mode: skipped (named with the reason) without an
 * adapter, failing without one when `SEGLAB_REQUIRE_WEBGPU=1`.
 */
export function webgpuTest(name: string, fn: () => void | Promise<void>): void {
  const full = `${name} [webgpu]`;
  if (!webgpuStatus.ok) {
    const reason = webgpuStatus.reason;
    if (webgpuRequired()) {
      Deno.test(full, () => {
        throw new Error(`SEGLAB_REQUIRE_WEBGPU=1 but ${reason}`);
      });
    } else {
      Deno.test({ name: `${full} (skipped: ${reason})`, ignore: true, fn: () => {} });
    }
    return;
  }
  Deno.test({ name: full, fn: () => onWebgpu(fn), sanitizeOps: false, sanitizeResources: false });
}
