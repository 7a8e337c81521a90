/**
 * The one place where seglab touches its host runtime: environment variables, files, and
 * which runtime this is. Everything goes through `node:` built-ins, which both Deno and Node
 * provide, so `lib/` and `datasets/` stay runtime-neutral.
 *
 * @example
 * ```ts
 * import { env, isDeno } from "./runtime.ts";
 * const backend = env("SEGLAB_BACKEND") ?? "auto";
 * ```
 * @module
 */
export { env, isDeno, isNode, runtimeName } from "./env.ts";
export {
  dirname,
  exists,
  readBytes,
  readFailure,
  readText,
  readTextSync,
  resolvePath,
  writeFileAtomic,
} from "./files.ts";
