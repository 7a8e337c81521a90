/**
 * Figures and images for notebooks: Observable Plot figures that survive every frontend
 * (`plot`), PNG images, label masks, overlays and grids.
 * @module
 */
export { figureFromSvg, Plot, plot } from "./figure.ts";
export type { Figure, PlotOptions } from "./figure.ts";
export { imageGrid, maskImage, overlayImage, pngImage, rgbImage } from "./image.ts";
export type { GridOptions, MaskOptions, PixelOptions, PngImage } from "./image.ts";
export { defaultPalette, hex } from "../core/palette.ts";
export type { RGB } from "../core/palette.ts";
export { svgToPng } from "./rasterize.ts";
export type { RasterOptions } from "./rasterize.ts";
