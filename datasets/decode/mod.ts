/**
 * Image decoding for data sets: PNG (fast-png) and JPEG (jpeg-js), pure JavaScript.
 * @module
 */
export { decodeRaster, rasterToImage } from "./image.ts";
export type { ImageU8 } from "./image.ts";
export type { Raster } from "./raster.ts";
export { isPng, pngStructureProblem } from "./png.ts";
export { isJpeg } from "./jpeg.ts";
