/**
 * `toMimeBundle(x)`: what a value looks like in a notebook. Displayable objects render
 * themselves; tensors, PNG/JPEG bytes, SVG/HTML elements and plain values get a built-in form.
 * Every bundle carries `text/plain` (without ANSI codes) so terminals and logs show something.
 * @module
 */
import { tf } from "../core/tf.ts";
import { DISPLAY, isDisplayable, type MimeBundle } from "../core/mime.ts";
import { toBase64 } from "../core/base64.ts";
import { tensorBundle } from "./tensor.ts";
import { isTableLike, tableBundle } from "./table.ts";

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47];
const JPEG_MAGIC = [0xff, 0xd8, 0xff];

function startsWith(bytes: Uint8Array, magic: number[]): boolean {
  return bytes.length >= magic.length && magic.every((m, i) => bytes[i] === m);
}

/** Adds a `text/plain` entry when a bundle lacks one. */
export function withPlainText(bundle: MimeBundle, fallback: string): MimeBundle {
  return typeof bundle["text/plain"] === "string" ? bundle : { ...bundle, "text/plain": fallback };
}

function plain(x: unknown): string {
  if (typeof x === "string") return x;
  if (x === undefined) return "undefined";
  if (typeof x === "bigint") return `${x}n`;
  if (typeof x === "function") return `[Function ${x.name || "(anonymous)"}]`;
  if (typeof x !== "object" || x === null) return String(x);
  try {
    return JSON.stringify(x, (_k, v) => (typeof v === "bigint" ? `${v}n` : v), 2) ?? String(x);
  } catch {
    return Object.prototype.toString.call(x);
  }
}

/**
 * The MIME bundle of a value. Returns a promise only when the value's own display method does.
 */
export function toMimeBundle(x: unknown): MimeBundle | Promise<MimeBundle> {
  if (isDisplayable(x)) {
    const b = x[DISPLAY]();
    const name = (x as object).constructor?.name ?? "object";
    return b instanceof Promise
      ? b.then((r) => withPlainText(r, `[${name}]`))
      : withPlainText(b, `[${name}]`);
  }
  if (x instanceof tf.Tensor) return tensorBundle(x);
  if (isTableLike(x)) return tableBundle(x);
  if (x instanceof Uint8Array) {
    if (startsWith(x, PNG_MAGIC)) {
      return { "image/png": toBase64(x), "text/plain": `[PNG image, ${x.length} bytes]` };
    }
    if (startsWith(x, JPEG_MAGIC)) {
      return { "image/jpeg": toBase64(x), "text/plain": `[JPEG image, ${x.length} bytes]` };
    }
  }
  if (typeof x === "object" && x !== null && typeof (x as { outerHTML?: unknown }).outerHTML === "string") {
    const html = (x as { outerHTML: string }).outerHTML;
    if (html.startsWith("<svg")) {
      const svg = html.includes("xmlns=")
        ? html
        : html.replace("<svg", '<svg xmlns="http://www.w3.org/2000/svg"');
      return { "image/svg+xml": svg, "text/plain": "[SVG figure]" };
    }
    return { "text/html": html, "text/plain": "[HTML element]" };
  }
  return { "text/plain": plain(x) };
}
