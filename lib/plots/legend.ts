/**
 * Colour legends drawn as SVG. Plot's own legends are HTML (swatches) or canvas (ramps), which
 * neither a server-side DOM nor an SVG/PNG output can carry; these stay inside the figure's SVG.
 * @module
 */
import * as Plot from "@observablehq/plot";
import { escapeHtml } from "../core/escape.ts";

/** What Plot reports about a colour scale. */
export interface ColorScale {
  type: string;
  domain: unknown[];
  range?: unknown[];
  apply?: (v: unknown) => string;
  interpolate?: unknown;
}

const FONT = `font-family="DejaVu Sans, sans-serif" font-size="10"`;

function label(v: unknown): string {
  if (typeof v === "number") return Number.isInteger(v) ? String(v) : v.toPrecision(3);
  return String(v);
}

/** An SVG `<g>` legend of `width` px, and its height. */
export function colorLegendSvg(
  scale: ColorScale,
  width: number,
  title?: string,
): { svg: string; height: number } {
  const parts: string[] = [];
  let y = 0;
  if (title) {
    parts.push(`<text x="0" y="10" ${FONT} font-weight="bold">${escapeHtml(title)}</text>`);
    y = 16;
  }
  const apply = scale.apply ?? ((v: unknown) => String(v));
  if (
    scale.type === "ordinal" || scale.type === "categorical" || scale.type === "threshold" ||
    scale.type === "quantile"
  ) {
    let x = 0;
    for (const v of scale.domain) {
      const text = escapeHtml(label(v));
      const w = 15 + text.length * 6.2 + 12;
      if (x + w > width && x > 0) {
        x = 0;
        y += 16;
      }
      parts.push(`<rect x="${x}" y="${y + 1}" width="10" height="10" fill="${apply(v)}"/>`);
      parts.push(`<text x="${x + 14}" y="${y + 10}" ${FONT}>${text}</text>`);
      x += w;
    }
    return { svg: parts.join(""), height: y + 16 };
  }
  // Continuous: a gradient ramp sampled from a standalone Plot scale.
  const [lo, hi] = [Number(scale.domain[0]), Number(scale.domain[scale.domain.length - 1])];
  const standalone = Plot.scale({ color: { ...scale, legend: undefined } as Plot.ScaleOptions });
  const stops = Array.from({ length: 33 }, (_, i) => {
    const t = i / 32;
    return `<stop offset="${(t * 100).toFixed(1)}%" stop-color="${standalone.apply!(lo + t * (hi - lo))}"/>`;
  }).join("");
  const id = `ramp${Math.random().toString(36).slice(2, 8)}`;
  const rampW = Math.min(240, width);
  parts.push(`<defs><linearGradient id="${id}">${stops}</linearGradient></defs>`);
  parts.push(`<rect x="0" y="${y}" width="${rampW}" height="10" fill="url(#${id})"/>`);
  parts.push(`<text x="0" y="${y + 22}" ${FONT}>${escapeHtml(label(lo))}</text>`);
  parts.push(`<text x="${rampW}" y="${y + 22}" ${FONT} text-anchor="end">${escapeHtml(label(hi))}</text>`);
  return { svg: parts.join(""), height: y + 28 };
}
