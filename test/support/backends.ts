/** Runs a test body once per CPU backend the suite covers (`cpu` and `wasm`). */
import { ready } from "../../lib/mod.ts";

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
