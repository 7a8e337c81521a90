/**
 * `plot(options)`: an Observable Plot figure that renders anywhere — notebooks (trusted or not),
 * VS Code, static HTML, terminals. Options are Observable Plot's; the result is one SVG (legend,
 * title, subtitle and caption drawn inside it, `xmlns` set), a PNG made from it by resvg, and a
 * line of text. Its MIME bundle carries `image/svg+xml`, `image/png`, `text/html` (an `<img>` that
 * survives JupyterLab's sanitizer in untrusted notebooks) and `text/plain`.
 *
 * @example
 * ```ts
 * import { Plot, plot } from "seglab";
 * const history = [{ iter: 100, mIoU: 0.61 }, { iter: 200, mIoU: 0.68 }];
 * plot({ title: "validation mIoU", marks: [Plot.line(history, { x: "iter", y: "mIoU" })] });
 * ```
 * @module
 */
import * as Plot from "@observablehq/plot";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { escapeHtml } from "../core/escape.ts";
import { toBase64 } from "../core/base64.ts";
import { writeFileAtomic } from "../core/runtime.ts";
import { plotDocument } from "./document.ts";
import { colorLegendSvg, type ColorScale } from "./legend.ts";
import { rasterizerError, type RasterOptions, svgToPng } from "./rasterize.ts";

/** Observable Plot options; `title`, `subtitle`, `caption` and `color.legend` are drawn into the SVG. */
export type PlotOptions = Plot.PlotOptions;

/** A rendered figure. */
export interface Figure {
  /** Standalone SVG document (with `xmlns`). */
  readonly svg: string;
  readonly width: number;
  readonly height: number;
  /** A short description (title, or the marks and size). */
  readonly text: string;
  /** PNG bytes (null where resvg cannot load). */
  png(opts?: RasterOptions): Promise<Uint8Array | null>;
  /** Writes `.svg` or `.png` (by extension), atomically. */
  save(path: string): Promise<void>;
  [DISPLAY](): Promise<MimeBundle>;
}

const FONT = `font-family="DejaVu Sans, sans-serif"`;
const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * The attributes Plot sets on its root `<svg>` — `font-family`, `font-size`, `text-anchor`, `fill`,
 * `class`, `style` and any others — less its size and placement, which the wrapper sets. Dropping
 * them left tick labels in 16 px serif, anchored at their start instead of centred.
 */
export function rootAttributes(attrs: string): string {
  const skip = new Set(["width", "height", "viewbox", "x", "y", "xmlns"]);
  const kept: string[] = [];
  for (const m of attrs.matchAll(/([^\s=]+)\s*=\s*("[^"]*"|'[^']*')/g)) {
    if (!skip.has(m[1].toLowerCase())) kept.push(`${m[1]}=${m[2]}`);
  }
  return kept.length ? " " + kept.join(" ") : "";
}

function innerOf(svgText: string): { attrs: string; inner: string } {
  const open = svgText.match(/^<svg([^>]*)>/);
  if (!open) return { attrs: "", inner: svgText };
  return { attrs: open[1], inner: svgText.slice(open[0].length, svgText.lastIndexOf("</svg>")) };
}

/** Renders Observable Plot options to a {@linkcode Figure}. */
export function plot(options: PlotOptions): Figure {
  const { title, subtitle, caption, color, ...rest } = options as PlotOptions & {
    title?: string;
    subtitle?: string;
    caption?: string;
  };
  const wantLegend = Boolean(color && typeof color === "object" && (color as { legend?: unknown }).legend);
  const colorOpts = color && typeof color === "object" ? { ...(color as object), legend: false } : color;
  const el = Plot.plot({ ...rest, color: colorOpts, document: plotDocument() } as PlotOptions) as unknown as {
    outerHTML: string;
    getAttribute(name: string): string | null;
    scale(name: string): ColorScale | undefined;
  };
  const raw = el.outerHTML;
  const width = Number(el.getAttribute("width")) || 640;
  const plotH = Number(el.getAttribute("height")) || 400;
  const { attrs, inner } = innerOf(raw);
  const viewBox = attrs.match(/viewBox="([^"]*)"/)?.[1] ?? `0 0 ${width} ${plotH}`;
  const plotAttrs = rootAttributes(attrs);
  const header: string[] = [];
  let y = 0;
  if (title) {
    header.push(
      `<text x="0" y="${y + 16}" ${FONT} font-size="16" font-weight="bold">${escapeHtml(title)}</text>`,
    );
    y += 22;
  }
  if (subtitle) {
    header.push(
      `<text x="0" y="${y + 13}" ${FONT} font-size="12" fill="#555">${escapeHtml(subtitle)}</text>`,
    );
    y += 18;
  }
  if (wantLegend) {
    const scale = el.scale("color");
    if (scale) {
      const legend = colorLegendSvg(scale, width, (color as { label?: string }).label);
      header.push(`<g transform="translate(0,${y + 2})">${legend.svg}</g>`);
      y += legend.height + 6;
    }
  }
  const top = y;
  let bottom = top + plotH;
  const footer: string[] = [];
  if (caption) {
    footer.push(
      `<text x="0" y="${bottom + 14}" ${FONT} font-size="11" fill="#555">${escapeHtml(caption)}</text>`,
    );
    bottom += 20;
  }
  const svg = `<svg xmlns="${SVG_NS}" width="${width}" height="${bottom}" viewBox="0 0 ${width} ${bottom}" ` +
    `style="background:white">${header.join("")}` +
    `<svg x="0" y="${top}" width="${width}" height="${plotH}" viewBox="${viewBox}"${plotAttrs}>${inner}</svg>` +
    `${footer.join("")}</svg>`;
  const marks = ((rest as { marks?: unknown[] }).marks ?? []).length;
  const text = title
    ? `[figure: ${title}]`
    : `[figure ${width}×${bottom}, ${marks} mark${marks === 1 ? "" : "s"}]`;
  return figureFromSvg(svg, width, bottom, text);
}

/** Wraps a standalone SVG document as a {@linkcode Figure}. */
export function figureFromSvg(svg: string, width: number, height: number, text: string): Figure {
  let cached: Promise<Uint8Array | null> | null = null;
  const png = (o?: RasterOptions) => (o ? svgToPng(svg, o) : (cached ??= svgToPng(svg)));
  return {
    svg,
    width,
    height,
    text,
    png,
    async save(path: string) {
      if (path.toLowerCase().endsWith(".svg")) return writeFileAtomic(path, svg);
      const bytes = await png();
      if (!bytes) {
        throw new Error(
          `cannot write ${path}: PNG rendering is unavailable (${rasterizerError()}); save as .svg`,
        );
      }
      await writeFileAtomic(path, bytes);
    },
    async [DISPLAY](): Promise<MimeBundle> {
      const bytes = await png();
      const svgUri = `data:image/svg+xml;base64,${toBase64(new TextEncoder().encode(svg))}`;
      const bundle: MimeBundle = {
        "text/plain": text,
        "image/svg+xml": svg,
        "text/html": `<img src="${svgUri}" width="${width}" height="${height}" alt="${escapeHtml(text)}"/>`,
      };
      if (bytes) bundle["image/png"] = toBase64(bytes);
      return bundle;
    },
  };
}

export { Plot };
