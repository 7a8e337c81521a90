/**
 * The display protocol: an object is displayable when it has a `[Symbol.for("Jupyter.display")]()`
 * method returning a MIME bundle — the same symbol Deno's kernel and seglab's kernel honour.
 *
 * @example
 * ```ts
 * import { DISPLAY, type MimeBundle } from "seglab";
 * class Swatch {
 *   constructor(readonly color: string) {}
 *   [DISPLAY](): MimeBundle {
 *     return { "text/plain": `swatch ${this.color}`, "text/html": `<div style="background:${this.color}">&nbsp;</div>` };
 *   }
 * }
 * ```
 * @module
 */

/** `Symbol.for("Jupyter.display")`. */
export const DISPLAY: unique symbol = Symbol.for("Jupyter.display") as typeof DISPLAY;

/**
 * A MIME bundle: MIME type → content. Text types are strings; binary image types
 * (`image/png`, `image/jpeg`) are base64 strings, as in Jupyter's wire format.
 */
export interface MimeBundle {
  "text/plain"?: string;
  "text/html"?: string;
  "text/markdown"?: string;
  "image/svg+xml"?: string;
  "image/png"?: string;
  "image/jpeg"?: string;
  "application/json"?: unknown;
  [mime: string]: unknown;
}

/** An object that renders itself for notebooks. */
export interface Displayable {
  [DISPLAY](): MimeBundle | Promise<MimeBundle>;
}

/** True when `x` carries a `Symbol.for("Jupyter.display")` method. */
export function isDisplayable(x: unknown): x is Displayable {
  return (typeof x === "object" || typeof x === "function") && x !== null &&
    typeof (x as Record<symbol, unknown>)[DISPLAY] === "function";
}
