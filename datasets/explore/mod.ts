/**
 * Exploring a data set: pixel statistics per image and per class (arquero tables), class
 * frequency and per-image imbalance figures, and grids of images with mask overlays.
 * @module
 */
export { pixelStats } from "./pixel_stats.ts";
export type { DatasetStats, PixelStatsOptions, Table } from "./pixel_stats.ts";
export { classFrequencyPlot, imbalancePlot } from "./figures.ts";
export type { FrequencyPlotOptions, ImbalancePlotOptions } from "./figures.ts";
export { overlayGrid } from "./overlay_grid.ts";
export type { OverlayGridOptions } from "./overlay_grid.ts";
