/**
 * Label masks as indexed ("P-mode") PNG files, PaddleSeg's `pseudo_color_prediction` format:
 * each pixel stores its class id and the file carries a 256-colour palette (the dataset's
 * colours first, then the VOC palette), so viewers show colours and any PNG reader gets the
 * class ids back.
 * @module
 */
import { decode, encode } from "fast-png";
import { defaultPalette, type RGB } from "../core/palette.ts";

/** A full 256-entry palette: `classes` first, the VOC palette after. */
export function fullPalette(classes: readonly (readonly [number, number, number])[] = []): RGB[] {
  const base = defaultPalette(256);
  return base.map((c, i) => (classes[i] ? [classes[i][0], classes[i][1], classes[i][2]] : c));
}

/** Encodes class ids (0–255) as an indexed PNG with `palette` (see {@linkcode fullPalette}). */
export function encodeMaskPng(
  mask: ArrayLike<number>,
  width: number,
  height: number,
  palette?: readonly (readonly [number, number, number])[],
): Uint8Array {
  if (mask.length !== width * height) {
    throw new Error(`encodeMaskPng: ${mask.length} values for a ${width}×${height} mask`);
  }
  const data = new Uint8Array(width * height);
  for (let i = 0; i < data.length; i++) {
    const v = mask[i];
    if (!(v >= 0 && v <= 255)) {
      throw new Error(`encodeMaskPng: class id ${v} at pixel ${i} does not fit an 8-bit indexed PNG`);
    }
    data[i] = v;
  }
  return encode({ width, height, data, channels: 1, depth: 8, palette: fullPalette(palette) });
}

/** Reads the class ids back from an indexed (or gray) PNG. */
export function decodeMaskPng(bytes: Uint8Array): { mask: Uint8Array; width: number; height: number } {
  const png = decode(bytes);
  if (png.channels !== 1 || png.depth !== 8) {
    throw new Error(
      `decodeMaskPng: expected an 8-bit indexed or gray PNG, got ${png.channels} channels of ${png.depth} bits`,
    );
  }
  return { mask: Uint8Array.from(png.data as Uint8Array), width: png.width, height: png.height };
}
