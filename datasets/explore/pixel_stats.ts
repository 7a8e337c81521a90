/**
 * Pixel statistics of a segmentation data set, as arquero tables: how much of each image and
 * of the whole set each class covers, how much is ignored — the numbers behind class
 * imbalance (roads are ~4.5% of DeepGlobe's pixels; Cityscapes' rare classes far less).
 * Labels are read raw (no transforms), so the figures describe the data, not an augmentation.
 *
 * @example
 * ```ts
 * import { createDataset, pixelStats, shippedDataPath } from "seglab/datasets";
 * const ds = await createDataset({ type: "Cityscapes", dataset_root: shippedDataPath("synthetic-city") });
 * const stats = await pixelStats(ds);
 * stats.classes;   // class_id, class, color, pixels, fraction, images, image_share, mean_fraction_present, max_fraction
 * stats.images;    // index, name, width, height, pixels, ignored, classes_present, dominant, dominant_fraction, <class> …
 * stats.long;      // one row per (image, class): fractions for per-image imbalance plots
 * ```
 * @module
 */
import * as aq from "arquero";
import { DISPLAY, type MimeBundle } from "../../lib/core/mime.ts";
import { Progress } from "../../lib/display/progress.ts";
import { tableBundle } from "../../lib/display/table.ts";
import { hex } from "../../lib/core/palette.ts";
import type { SegDataset } from "../types.ts";

/** An arquero table. */
export type Table = ReturnType<typeof aq.table>;

/** The statistics of a data set. */
export interface DatasetStats {
  /** One row per class. */
  readonly classes: Table;
  /** One row per image, with a pixel-count column per class (named by class). */
  readonly images: Table;
  /** One row per (image, class): `index, name, class_id, class, color, pixels, fraction`. */
  readonly long: Table;
  readonly classNames: readonly string[];
  readonly colors: readonly string[];
  /** Pixels in all, labelled and ignored. */
  readonly totals: { pixels: number; labelled: number; ignored: number; images: number };
  [DISPLAY](): MimeBundle;
}

/** Options of {@linkcode pixelStats}. */
export interface PixelStatsOptions {
  /** Which samples (default: all). */
  indices?: number[];
  /** Show a progress bar (default: when there are more than 50 samples). */
  progress?: boolean;
}

/** Counts pixels per class and per image. */
export async function pixelStats(ds: SegDataset, opts: PixelStatsOptions = {}): Promise<DatasetStats> {
  const indices = opts.indices ?? Array.from({ length: ds.length }, (_, i) => i);
  const C = ds.numClasses, names = ds.classNames, colors = ds.palette.map(hex);
  const progress = (opts.progress ?? indices.length > 50)
    ? new Progress({ total: indices.length, label: "pixel statistics", unit: "img" })
    : null;
  const rows: Record<string, unknown>[] = [];
  const long: Record<string, unknown>[] = [];
  const classPixels = new Float64Array(C),
    classImages = new Float64Array(C),
    fracSum = new Float64Array(C),
    fracMax = new Float64Array(C);
  let totalPx = 0, totalIgnored = 0;
  try {
    for (const i of indices) {
      const r = await ds.getRaw(i);
      const counts = new Float64Array(C);
      let ignored = 0;
      if (r.label) {
        for (const v of r.label) {
          if (v < C) counts[v]++;
          else ignored++;
        }
      }
      const px = r.width * r.height, labelled = px - ignored;
      let present = 0, dom = 0;
      for (let k = 0; k < C; k++) {
        if (counts[k] > 0) present++;
        if (counts[k] > counts[dom]) dom = k;
        const f = labelled ? counts[k] / labelled : 0;
        classPixels[k] += counts[k];
        if (counts[k] > 0) {
          classImages[k]++;
          fracSum[k] += f;
        }
        fracMax[k] = Math.max(fracMax[k], f);
        long.push({
          index: i,
          name: r.name,
          class_id: k,
          class: names[k],
          color: colors[k],
          pixels: counts[k],
          fraction: f,
        });
      }
      const row: Record<string, unknown> = {
        index: i,
        name: r.name,
        width: r.width,
        height: r.height,
        pixels: px,
        ignored,
        classes_present: present,
        dominant: names[dom],
        dominant_fraction: labelled ? counts[dom] / labelled : 0,
      };
      names.forEach((n, k) => (row[n] = counts[k]));
      rows.push(row);
      totalPx += px;
      totalIgnored += ignored;
      progress?.tick();
    }
    progress?.done();
  } catch (e) {
    progress?.done({}, "failed");
    throw e;
  }
  const labelled = totalPx - totalIgnored;
  const classes = aq.from(Array.from({ length: C }, (_, k) => ({
    class_id: k,
    class: names[k],
    color: colors[k],
    pixels: classPixels[k],
    fraction: labelled ? classPixels[k] / labelled : 0,
    images: classImages[k],
    image_share: indices.length ? classImages[k] / indices.length : 0,
    mean_fraction_present: classImages[k] ? fracSum[k] / classImages[k] : 0,
    max_fraction: fracMax[k],
  })));
  const images = aq.from(rows);
  const longT = aq.from(long);
  const totals = { pixels: totalPx, labelled, ignored: totalIgnored, images: indices.length };
  return {
    classes,
    images,
    long: longT,
    classNames: names,
    colors,
    totals,
    [DISPLAY](): MimeBundle {
      const head = `${totals.images} images, ${totals.pixels} pixels (${
        (100 * totalIgnored / (totalPx || 1)).toFixed(2)
      }% ignored)`;
      const t = tableBundle(classes, C + 1);
      return {
        "text/plain": `${head}\n${t["text/plain"]}`,
        "text/html": `<div><p>${head}</p>${t["text/html"]}</div>`,
      };
    },
  };
}
