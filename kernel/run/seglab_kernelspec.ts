/**
 * The kernelspec of THIS checkout's seglab kernel, built in: `nb run --kernel seglab` (and any
 * notebook whose `metadata.kernelspec.name` is "seglab") starts `kernel/main.ts` of the checkout
 * the runner belongs to, with the Deno that runs the runner, whether or not a "seglab"
 * kernelspec is installed — so `npm run demo` works on a fresh clone, and a stale installed
 * spec pointing at another checkout cannot be picked up by mistake.
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { KernelSpec } from "./kernelspec.ts";

/** The name that always means this checkout's kernel. */
export const SEGLAB_KERNEL_NAME = "seglab";

/** The path of this checkout's kernel entry point. */
export function seglabKernelMain(): string {
  return fileURLToPath(new URL("../main.ts", import.meta.url));
}

function denoExecutable(): string {
  const d = (globalThis as { Deno?: { execPath(): string } }).Deno;
  if (d) return d.execPath();
  return fileURLToPath(new URL("../../node_modules/deno/deno", import.meta.url));
}

/**
 * The built-in spec: `[deno, "run", "-A", <checkout>/kernel/main.ts, "{connection_file}"]`,
 * interrupt by message, `NO_COLOR=1`. Kept in step with the kernel's own installer.
 * @throws {Error} when this checkout has no kernel/main.ts.
 */
export function seglabKernelSpec(): KernelSpec {
  const main = seglabKernelMain();
  if (!existsSync(main)) {
    throw new Error(`this checkout's seglab kernel is missing (${main}); the runner cannot start "seglab"`);
  }
  return {
    name: SEGLAB_KERNEL_NAME,
    dir: fileURLToPath(new URL("..", import.meta.url)),
    argv: [denoExecutable(), "run", "-A", main, "{connection_file}"],
    display_name: "seglab (TypeScript)",
    language: "typescript",
    interrupt_mode: "message",
    env: { NO_COLOR: "1" },
    metadata: { builtin: true },
  };
}
