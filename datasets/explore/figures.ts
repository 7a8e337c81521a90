/**
 * Class-imbalance figures from {@linkcode pixelStats}: the share of labelled pixels per class
 * (log scale by default, so rare classes stay visible) and, per class, the spread of its share
 * over images (one tick per image, so "rare overall" and "rare where present" can be told
 * apart). Observable Plot through seglab's `plot()`: displayable, saveable as SVG or PNG.
 *
 * @example
 * ```ts
 * import { classFrequencyPlot, imbalancePlot, pixelStats } from "seglab/datasets";
 * const stats = await pixelStats(ds);
 * classFrequencyPlot(stats);   // a Figure
 * imbalancePlot(stats);
 * ```
 * @module
 */
import { type Figure, Plot, plot } from "../../lib/plots/figure.ts";
import type { DatasetStats } from "./pixel_stats.ts";

/** Options of {@linkcode classFrequencyPlot}. */
export interface FrequencyPlotOptions {
  /** Log-scaled axis (default true). */
  log?: boolean;
  title?: string;
  width?: number;
}

/** Bars: each class's share of the labelled pixels, in its palette colour. */
export function classFrequencyPlot(stats: DatasetStats, opts: FrequencyPlotOptions = {}): Figure {
  const rows = stats.classes.objects() as {
    class: string;
    color: string;
    fraction: number;
    pixels: number;
  }[];
  const log = opts.log ?? true;
  const positive = rows.map((r) => r.fraction).filter((f) => f > 0);
  const floor = positive.length ? Math.pow(10, Math.floor(Math.log10(Math.min(...positive)))) : 1e-4;
  const shown = rows.map((r) => ({
    ...r,
    value: log ? Math.max(r.fraction, floor) : r.fraction,
    label: `${(100 * r.fraction).toFixed(r.fraction < 0.01 ? 2 : 1)}%`,
  }));
  return plot(
    {
      title: opts.title ?? "Class frequency (share of labelled pixels)",
      subtitle: `${stats.totals.images} images, ${stats.totals.labelled} labelled pixels`,
      width: opts.width ?? 640,
      height: 40 + 22 * rows.length,
      marginLeft: 110,
      marginRight: 60,
      x: log
        ? {
          type: "log",
          domain: [floor, 1],
          label: "share of labelled pixels (log)",
          grid: true,
          tickFormat: (d: number) => `${+(100 * d).toPrecision(3)}%`,
        }
        : { type: "linear", domain: [0, 1], label: "share of labelled pixels", grid: true, tickFormat: "%" },
      y: { label: null, domain: rows.map((r) => r.class) },
      color: { type: "identity" },
      marks: [
        Plot.barX(shown, {
          x1: log ? floor : 0,
          x2: "value",
          y: "class",
          fill: "color",
          stroke: "#333",
          strokeWidth: 0.5,
        }),
        Plot.text(shown, { x: "value", y: "class", text: "label", textAnchor: "start", dx: 4 }),
      ],
    } as Parameters<typeof plot>[0],
  );
}

/** Options of {@linkcode imbalancePlot}. */
export interface ImbalancePlotOptions {
  title?: string;
  width?: number;
  /** Leave out images where the class is absent (default false: they sit at 0). */
  presentOnly?: boolean;
}

/** Ticks: for each class, its share of each image's labelled pixels; a dot marks the median. */
export function imbalancePlot(stats: DatasetStats, opts: ImbalancePlotOptions = {}): Figure {
  let rows = stats.long.objects() as { class: string; color: string; fraction: number; name: string }[];
  if (opts.presentOnly) rows = rows.filter((r) => r.fraction > 0);
  const names = [...stats.classNames];
  const medians = names.map((c, k) => {
    const f = rows.filter((r) => r.class === c).map((r) => r.fraction).sort((a, b) => a - b);
    return { class: c, color: stats.colors[k], median: f.length ? f[Math.floor((f.length - 1) / 2)] : 0 };
  });
  return plot(
    {
      title: opts.title ?? "Per-image class share",
      subtitle: `one tick per image${
        opts.presentOnly ? " where the class is present" : ""
      }; dot: median; square-root axis`,
      width: opts.width ?? 640,
      height: 40 + 26 * names.length,
      marginLeft: 110,
      marginRight: 24,
      x: {
        type: "sqrt",
        label: "share of the image's labelled pixels",
        grid: true,
        domain: [0, 1],
        tickFormat: "%",
        ticks: [0, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 1],
      },
      y: { label: null, domain: names },
      color: { type: "identity" },
      marks: [
        Plot.tickX(rows, { x: "fraction", y: "class", stroke: "color", strokeOpacity: 0.45 }),
        Plot.dot(medians, { x: "median", y: "class", fill: "white", stroke: "#111", r: 3.5 }),
      ],
    } as Parameters<typeof plot>[0],
  );
}
