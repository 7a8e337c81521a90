/**
 * SVG → PNG with resvg (`@resvg/resvg-js`, a prebuilt native package from npm), loaded on first
 * use. Where it cannot load, `svgToPng` returns `null` and figures fall back to SVG only.
 * @module
 */
type ResvgModule = typeof import("@resvg/resvg-js");

let mod: ResvgModule | null | undefined;
let loadError = "";

async function resvg(): Promise<ResvgModule | null> {
  if (mod !== undefined) return mod;
  try {
    mod = await import("@resvg/resvg-js");
  } catch (e) {
    loadError = e instanceof Error ? e.message : String(e);
    mod = null;
  }
  return mod;
}

/** Why PNG rendering is unavailable ("" when it works or was not tried). */
export function rasterizerError(): string {
  return loadError;
}

/** Options of {@linkcode svgToPng}. */
export interface RasterOptions {
  /** Pixel ratio. Default 2 (sharp on high-DPI screens). */
  scale?: number;
  /** Background colour. Default white. */
  background?: string;
}

/** Renders an SVG document (with `xmlns`) to PNG bytes, or `null` when resvg is unavailable. */
export async function svgToPng(svg: string, opts: RasterOptions = {}): Promise<Uint8Array | null> {
  const m = await resvg();
  if (!m) return null;
  const r = new m.Resvg(svg, {
    fitTo: { mode: "zoom", value: opts.scale ?? 2 },
    background: opts.background ?? "white",
    font: { loadSystemFonts: true, defaultFontFamily: "DejaVu Sans", sansSerifFamily: "DejaVu Sans" },
  });
  return r.render().asPng();
}
