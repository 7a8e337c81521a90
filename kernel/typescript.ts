/**
 * The TypeScript compiler (`typescript@5.9.3`, a dependency), loaded with `createRequire` relative
 * to this file so the kernel finds its own copy whatever the notebook's import map says.
 * @module
 */
import { createRequire } from "node:module";
import type * as TS from "typescript";

export type { TS };
let ts: typeof TS | undefined;

/** The `typescript` module (loaded on first use, ~0.1 s with V8's code cache). */
export function loadTypeScript(): typeof TS {
  if (!ts) {
    try {
      ts = createRequire(import.meta.url)("typescript") as typeof TS;
    } catch (e) {
      throw new Error(
        `cannot load the "typescript" package (${(e as Error).message}); run \`npm install\` in the seglab ` +
          `checkout that holds this kernel (${new URL("..", import.meta.url).pathname})`,
      );
    }
  }
  return ts;
}
