/**
 * A decoded raster, before it becomes an image or a label: samples per pixel as stored
 * (8- or 16-bit), channel count, and the palette of an indexed PNG.
 * @module
 */

/** Pixels as a file stores them. */
export interface Raster {
  width: number;
  height: number;
  /** 1 gray/indexed, 2 gray+alpha, 3 RGB, 4 RGBA. */
  channels: number;
  /** 8-bit samples, or 16-bit for 16-bit PNGs. */
  data: Uint8Array | Uint16Array;
  /** 8 or 16: the range of `data` after unpacking (1/2/4-bit PNGs come out as 8). */
  depth: 8 | 16;
  /** RGB entries of an indexed PNG (`data` then holds the indices). */
  palette?: number[][];
  /** The file's format. */
  format: "png" | "jpeg";
  /** The stored bit depth (1, 2, 4, 8, 16). */
  storedDepth: number;
}
