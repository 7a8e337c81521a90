/**
 * The kernelspec of THIS checkout's seglab kernel, built in: `nb run --kernel seglab` (and any
 * notebook whose `metadata.kernelspec.name` is "seglab") starts `kernel/main.ts` of the checkout
 * the runner belongs to, exactly as `npm run kernel:install` would write it (the kernel's own
 * `kernelspec()`), whether or not a "seglab" kernelspec is installed — so `npm run demo` works on
 * a fresh clone, and a stale installed spec pointing at another checkout is never picked up.
 * @module
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { kernelspec } from "../../kernel/kernelspec.ts";
import type { KernelSpec } from "./kernelspecs.ts";

/** The name that always means this checkout's kernel. */
export const SEGLAB_KERNEL_NAME = "seglab";

/** The path of this checkout's kernel entry point. */
export function seglabKernelMain(): string {
  return fileURLToPath(new URL("../../kernel/main.ts", import.meta.url));
}

/**
 * The built-in spec (argv, env, interrupt by message: see `kernel/kernelspec.ts`).
 * @throws {Error} when this checkout has no kernel/main.ts.
 */
export function seglabKernelSpec(): KernelSpec {
  const main = seglabKernelMain();
  if (!existsSync(main)) {
    throw new Error(`this checkout's seglab kernel is missing (${main}); the runner cannot start "seglab"`);
  }
  const k = kernelspec();
  return {
    name: SEGLAB_KERNEL_NAME,
    dir: fileURLToPath(new URL("../../kernel/", import.meta.url)),
    argv: k.argv,
    display_name: k.display_name,
    language: k.language,
    interrupt_mode: k.interrupt_mode,
    env: k.env,
    metadata: { ...k.metadata, builtin: true },
  };
}
