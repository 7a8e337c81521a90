/**
 * Decoding files into what a segmentation pipeline needs: an 8-bit image with 3 channels (RGB)
 * or 1 (gray), as `cv2.imread` would give after PaddleSeg's BGR→RGB (alpha dropped, 16-bit
 * reduced to its high byte, palettes expanded), and a raw label raster (as Pillow's
 * `np.asarray` would give: palette indices, not colours). The format is sniffed from the bytes.
 * @module
 */
import { applyOrientation, jpegOrientation } from "./exif_orientation.ts";
import { decodeJpeg, isJpeg } from "./jpeg.ts";
import { decodePng, isPng } from "./png.ts";
import type { Raster } from "./raster.ts";

/**
 * Decodes PNG or JPEG bytes (sniffed). Errors say what is wrong, not which file (callers add that).
 * A JPEG image is turned upright by its EXIF orientation, as `cv2.imread` does; a label
 * (`forLabel`) is left as stored, as Pillow reads it.
 */
export function decodeRaster(bytes: Uint8Array, forLabel = false): Raster {
  if (bytes.length === 0) throw new Error("empty file");
  if (isPng(bytes)) return decodePng(bytes, forLabel);
  if (isJpeg(bytes)) {
    const r = decodeJpeg(bytes);
    return forLabel ? r : applyOrientation(r, jpegOrientation(bytes));
  }
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  throw new Error(`not a PNG or JPEG file (starts with ${head}); seglab reads PNG and JPEG`);
}

/** An 8-bit image, HWC. */
export interface ImageU8 {
  data: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 3;
}

/** Converts a raster to an 8-bit image with `channels` (3: RGB, 1: gray). */
export function rasterToImage(r: Raster, channels: 1 | 3): ImageU8 {
  const n = r.width * r.height;
  const src = r.data, c = r.channels;
  const byte = r.depth === 16 ? (v: number) => v >>> 8 : (v: number) => v;
  const rgb = new Uint8Array(n * 3);
  if (r.palette) {
    const pal = r.palette;
    for (let p = 0; p < n; p++) {
      const e = pal[src[p]] ?? [0, 0, 0];
      rgb[p * 3] = e[0];
      rgb[p * 3 + 1] = e[1];
      rgb[p * 3 + 2] = e[2];
    }
  } else if (c >= 3) {
    for (let p = 0; p < n; p++) {
      rgb[p * 3] = byte(src[p * c]);
      rgb[p * 3 + 1] = byte(src[p * c + 1]);
      rgb[p * 3 + 2] = byte(src[p * c + 2]);
    }
  } else {
    for (let p = 0; p < n; p++) rgb[p * 3] = rgb[p * 3 + 1] = rgb[p * 3 + 2] = byte(src[p * c]);
  }
  if (channels === 3) return { data: rgb, width: r.width, height: r.height, channels: 3 };
  const gray = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    gray[p] = Math.round((rgb[p * 3] * 299 + rgb[p * 3 + 1] * 587 + rgb[p * 3 + 2] * 114) / 1000);
  }
  return { data: gray, width: r.width, height: r.height, channels: 1 };
}
