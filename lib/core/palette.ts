/**
 * Colour palettes for masks. `defaultPalette(n)` is the VOC / PaddleSeg palette (bits of the
 * class id spread over R, G and B), so class 0 is black and neighbours contrast.
 * @module
 */

/** An RGB colour, 0–255 per channel. */
export type RGB = [number, number, number];

/** The VOC / PaddleSeg colour map for `n` classes. */
export function defaultPalette(n: number): RGB[] {
  const out: RGB[] = [];
  for (let k = 0; k < n; k++) {
    let r = 0, g = 0, b = 0, id = k;
    for (let j = 0; id > 0; j++, id >>= 3) {
      r |= ((id >> 0) & 1) << (7 - j);
      g |= ((id >> 1) & 1) << (7 - j);
      b |= ((id >> 2) & 1) << (7 - j);
    }
    out.push([r, g, b]);
  }
  return out;
}

/** `#rrggbb`. */
export function hex([r, g, b]: RGB): string {
  return "#" + [r, g, b].map((v) => v.toString(16).padStart(2, "0")).join("");
}
