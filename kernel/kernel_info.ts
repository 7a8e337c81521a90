/**
 * The kernel's `kernel_info_reply`: protocol 5.3, TypeScript on Deno.
 * @module
 */
import { PROTOCOL_VERSION } from "./protocol/message.ts";

/** seglab's version (package.json). */
export const KERNEL_VERSION = "0.1.0";

/**
 * The editor mode, one spec that both CodeMirror generations resolve to TypeScript:
 * - CodeMirror 6 (JupyterLab 4, Notebook 7): `findBest` tries `name` as a language name, then
 *   `mime` — "application/typescript" is its TypeScript language.
 * - CodeMirror 5 (Notebook 6, JupyterLab 3): the name is a MIME type that CodeMirror's javascript
 *   mode defines as `{ name: "javascript", typescript: true }`; Notebook 6 finds the mode file by
 *   that MIME in CodeMirror's mode list, and gives new cells this same spec (a bare
 *   `"typescript"`, which no CodeMirror 5 mode is named, left new cells unhighlighted).
 */
export const CODEMIRROR_MODE = {
  name: "application/typescript",
  mime: "application/typescript",
  typescript: true,
} as const;

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
      codemirror_mode: CODEMIRROR_MODE,
      nbconvert_exporter: "script",
    },
    banner:
      `seglab kernel ${KERNEL_VERSION} — TypeScript on Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`,
    help_links: [],
    debugger: false,
  };
}
