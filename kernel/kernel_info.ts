/**
 * The kernel's `kernel_info_reply`: protocol 5.3, TypeScript on Deno.
 * @module
 */
import { PROTOCOL_VERSION } from "./protocol/message.ts";

/** seglab's version (package.json). */
export const KERNEL_VERSION = "0.1.0";

/** The content of `kernel_info_reply`. */
export function kernelInfo(): Record<string, unknown> {
  return {
    status: "ok",
    protocol_version: PROTOCOL_VERSION,
    implementation: "seglab",
    implementation_version: KERNEL_VERSION,
    language_info: {
      name: "typescript",
      version: Deno.version.typescript,
      mimetype: "text/x.typescript",
      file_extension: ".ts",
      pygments_lexer: "typescript",
      codemirror_mode: "typescript",
      nbconvert_exporter: "script",
    },
    banner:
      `seglab kernel ${KERNEL_VERSION} — TypeScript on Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`,
    help_links: [],
    debugger: false,
  };
}
