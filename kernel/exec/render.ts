/**
 * What a cell's result looks like: objects that render themselves
 * (`Symbol.for("Jupyter.display")`) do; tensors, tables, figures, PNG bytes and DOM elements get
 * the library's bundles (`toMimeBundle`, loaded on first need); everything else is Deno's own
 * `inspect` text without colours.
 * @module
 */
import type { Bundle } from "./output.ts";

const DISPLAY = Symbol.for("Jupyter.display");
type ToMimeBundle = (x: unknown) => Bundle | Promise<Bundle>;
let libRender: Promise<ToMimeBundle | null> | undefined;

/** The library's `toMimeBundle`, or null where it cannot load (a foreign import map). */
function library(): Promise<ToMimeBundle | null> {
  libRender ??= import("../../lib/display/bundle.ts").then(
    (m) => m.toMimeBundle as unknown as ToMimeBundle,
    () => null,
  );
  return libRender;
}

/** Deno's inspect text without ANSI colours. */
export function inspectText(x: unknown): string {
  try {
    return Deno.inspect(x, { colors: false, depth: 4, iterableLimit: 100, trailingComma: false });
  } catch (e) {
    return `[value that cannot be inspected: ${(e as Error).message}]`;
  }
}

function isDisplayable(x: unknown): x is { [DISPLAY](): Bundle | Promise<Bundle> } {
  return (typeof x === "object" || typeof x === "function") && x !== null &&
    typeof (x as Record<symbol, unknown>)[DISPLAY] === "function";
}

/**
 * True for values that are display machinery rather than results: the handle `display()`
 * returns and `Progress` reporters (their output is already on screen), so a cell ending in
 * `display(x)` or `p.done()` shows the display only, as IPython's `display()` does.
 */
export function isDisplayMachinery(x: unknown): boolean {
  if (typeof x !== "object" || x === null) return false;
  const o = x as Record<string, unknown>;
  const keys = Object.keys(o);
  if (keys.length === 2 && typeof o.displayId === "string" && typeof o.update === "function") return true;
  return typeof o.tick === "function" && typeof o.done === "function" && typeof o.fail === "function" &&
    typeof o.id === "string" && "state" in o;
}

/** The MIME bundle of a value (the caller skips `undefined` results). */
export async function renderValue(x: unknown): Promise<Bundle> {
  if (isDisplayable(x)) {
    const b = await x[DISPLAY]();
    if (typeof b !== "object" || b === null) return { "text/plain": inspectText(b) };
    return typeof b["text/plain"] === "string" ? b : { ...b, "text/plain": inspectText(x) };
  }
  if (typeof x !== "object" || x === null) return { "text/plain": inspectText(x) };
  const toMimeBundle = await library();
  if (toMimeBundle) {
    try {
      const b = await toMimeBundle(x);
      const keys = Object.keys(b);
      if (keys.length > 1 || (keys.length === 1 && keys[0] !== "text/plain")) return b;
    } catch { /* fall back to inspect */ }
  }
  return { "text/plain": inspectText(x) };
}
