/** Runs a test body once per CPU backend the suite covers (`cpu` and `wasm`). */
import { ready, setStrictAsyncReads } from "../../lib/mod.ts";

/** Backends every loss test runs on. */
export const TEST_BACKENDS = ["cpu", "wasm"] as const;

/** Registers `Deno.test(name [backend])` for each backend, selecting it first. */
export function testOnBackends(name: string, fn: (backend: string) => void | Promise<void>): void {
  for (const backend of TEST_BACKENDS) {
    Deno.test(`${name} [${backend}]`, async () => {
      await ready(backend, { quiet: true });
      await fn(backend);
    });
  }
}

/**
 * Selects the backend a test file runs on: `SEGLAB_TEST_BACKEND` (CI runs the training, evaluation
 * and checkpoint tests again with `webgpu`), else `fallback`. On `webgpu` strict mode is on: any
 * synchronous tensor read throws, in the library and in the test alike.
 */
export async function readyForTests(fallback = "wasm"): Promise<string> {
  const name = Deno.env.get("SEGLAB_TEST_BACKEND") || fallback;
  await ready(name, { quiet: true });
  if (name === "webgpu") setStrictAsyncReads(true);
  return name;
}
