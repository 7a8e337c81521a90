/**
 * JPEG decoding with jpeg-js (pure JavaScript, baseline and progressive, gray/RGB/CMYK).
 * Truncated files (no end-of-image marker) and corrupt streams are errors, not gray images.
 * @module
 */
import jpeg from "jpeg-js";
import type { Raster } from "./raster.ts";

/** True when the bytes start with a JPEG start-of-image marker. */
export function isJpeg(b: Uint8Array): boolean {
  return b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff;
}

function hasEndMarker(b: Uint8Array): boolean {
  // EOI (FFD9) is the last marker; tolerate trailing padding some writers add.
  for (let i = b.length - 2; i >= Math.max(2, b.length - 4096); i--) {
    if (b[i] === 0xff && b[i + 1] === 0xd9) return true;
  }
  return false;
}

/** Decodes JPEG bytes to 8-bit gray or RGB. */
export function decodeJpeg(bytes: Uint8Array): Raster {
  if (!isJpeg(bytes)) throw new Error("not a JPEG (no start-of-image marker)");
  let img;
  try {
    img = jpeg.decode(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxMemoryUsageInMB: 2048,
      maxResolutionInMP: 250,
    });
  } catch (e) {
    throw new Error(`corrupt or truncated JPEG (${(e as Error).message})`);
  }
  if (!hasEndMarker(bytes)) throw new Error("truncated JPEG: no end-of-image marker");
  const { width, height } = img;
  const data = img.data as Uint8Array;
  const channels = data.length / (width * height);
  if (!Number.isInteger(channels) || channels < 1 || channels > 4) {
    throw new Error(`corrupt JPEG: ${data.length} samples for ${width}×${height}`);
  }
  return { width, height, channels, data, depth: 8, format: "jpeg", storedDepth: 8 };
}
