/**
 * seglab's lowest layer: what every other folder may import and which imports nothing of
 * seglab's above it. The TensorFlow.js namespace (`tf`), the host runtime (environment,
 * files, atomic writes), the display protocol (`DISPLAY`, `MimeBundle`), HTML escaping,
 * base64, and the class palettes.
 *
 * @example
 * ```ts
 * import { DISPLAY, escapeHtml, tf } from "./mod.ts";
 * const x = tf.tensor1d([1, 2, 3]);
 * const shown = { [DISPLAY]: () => ({ "text/html": `<b>${escapeHtml(String(x.shape))}</b>` }) };
 * x.dispose();
 * ```
 * @module
 */
export { tf } from "./tf.ts";
export * from "./runtime.ts";
export { DISPLAY, isDisplayable } from "./mime.ts";
export type { Displayable, MimeBundle } from "./mime.ts";
export { escapeHtml } from "./escape.ts";
export { toBase64 } from "./base64.ts";
export * from "./palette.ts";
