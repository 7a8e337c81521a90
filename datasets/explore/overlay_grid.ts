/**
 * A grid of a data set's images with their masks overlaid in the class colours (and, when
 * asked, the masks beside them), from `getRaw` — images as stored, no transforms. Built on
 * seglab's `overlayImage`, `maskImage` and `imageGrid`: displays as PNG, saves with `.save()`.
 *
 * @example
 * ```ts
 * import { overlayGrid } from "seglab/datasets";
 * await overlayGrid(ds, { count: 8, columns: 4, alpha: 0.6 });
 * ```
 * @module
 */
import { imageGrid, maskImage, overlayImage, type PngImage } from "../../lib/plots/image.ts";
import type { RGB } from "../../lib/core/palette.ts";
import type { SegDataset } from "../types.ts";

/** Options of {@linkcode overlayGrid}. */
export interface OverlayGridOptions {
  /** Which samples (default: the first `count`). */
  indices?: number[];
  /** How many when `indices` is not given (default 8). */
  count?: number;
  /** Images per row (default 4; with `withMask`, pairs count as two). */
  columns?: number;
  /** Mask opacity over the image (default 0.5). */
  alpha?: number;
  /** Classes not drawn over the image (default: [0] when class 0 is "background", else none). */
  skip?: number[];
  /** Put the coloured mask beside each overlay. */
  withMask?: boolean;
  /** Integer zoom (default 1). */
  zoom?: number;
}

/** Overlays of samples' masks on their images, in a grid. */
export async function overlayGrid(ds: SegDataset, opts: OverlayGridOptions = {}): Promise<PngImage> {
  const indices = opts.indices ?? Array.from({ length: Math.min(opts.count ?? 8, ds.length) }, (_, i) => i);
  if (indices.length === 0) throw new Error("overlayGrid: no samples to show");
  const palette = ds.palette as RGB[];
  const tiles: PngImage[] = [];
  for (const i of indices) {
    const r = await ds.getRaw(i);
    const base = { width: r.width, height: r.height, palette, ignoreIndex: ds.ignoreIndex };
    const label = r.label ?? new Uint8Array(r.width * r.height).fill(ds.ignoreIndex);
    const skip = opts.skip ?? (/^(background|_background_|bg)$/i.test(ds.classNames[0] ?? "") ? [0] : []);
    tiles.push(
      overlayImage(r.image, label, {
        ...base,
        channels: r.channels,
        alpha: opts.alpha ?? 0.5,
        skip,
        title: r.name,
      }),
    );
    if (opts.withMask) tiles.push(maskImage(label, { ...base, title: `${r.name} (mask)` }));
  }
  return imageGrid(tiles, {
    columns: opts.columns ?? (opts.withMask ? 4 : Math.min(4, tiles.length)),
    zoom: opts.zoom,
  });
}
