/**
 * EXIF orientation of JPEG images: cameras and phones store the sensor's pixels and record in the
 * EXIF tag 0x0112 how to turn them upright. `cv2.imread` (PaddleSeg's image reader) applies it, so
 * seglab does too for images; labels are read as stored (Pillow's `np.asarray`, which ignores it).
 *
 * @example
 * ```ts
 * import { applyOrientation, jpegOrientation } from "./exif_orientation.ts";
 * const upright = applyOrientation(raster, jpegOrientation(bytes));   // 6: turned 90° clockwise
 * ```
 * @module
 */
import type { Raster } from "./raster.ts";

/**
 * The EXIF orientation (1–8) of JPEG bytes; 1 (as stored) when there is no EXIF block, no
 * orientation tag, or a value outside 1–8. Never throws: a damaged EXIF block is ignored, as
 * decoders do.
 */
export function jpegOrientation(bytes: Uint8Array): number {
  let i = 2; // after SOI
  while (i + 4 <= bytes.length && bytes[i] === 0xff) {
    const marker = bytes[i + 1];
    if (marker === 0xda || marker === 0xd9) break; // image data or end: no more headers
    const len = (bytes[i + 2] << 8) | bytes[i + 3];
    if (len < 2) break;
    if (marker === 0xe1) {
      const o = orientationInApp1(bytes.subarray(i + 4, Math.min(bytes.length, i + 2 + len)));
      if (o) return o;
    }
    i += 2 + len;
  }
  return 1;
}

function orientationInApp1(seg: Uint8Array): number {
  // "Exif\0\0", then a TIFF header: byte order, 42, offset of IFD0.
  if (seg.length < 14 || String.fromCharCode(...seg.subarray(0, 4)) !== "Exif" || seg[4] || seg[5]) return 0;
  const tiff = seg.subarray(6);
  const little = tiff[0] === 0x49 && tiff[1] === 0x49;
  if (!little && !(tiff[0] === 0x4d && tiff[1] === 0x4d)) return 0;
  const u16 = (o: number) => little ? tiff[o] | (tiff[o + 1] << 8) : (tiff[o] << 8) | tiff[o + 1];
  const u32 = (o: number) => little ? (u16(o) + u16(o + 2) * 65536) : (u16(o) * 65536 + u16(o + 2));
  if (u16(2) !== 42) return 0;
  const ifd = u32(4);
  if (ifd + 2 > tiff.length) return 0;
  const count = u16(ifd);
  for (let k = 0; k < count; k++) {
    const e = ifd + 2 + 12 * k;
    if (e + 12 > tiff.length) return 0;
    if (u16(e) === 0x0112) {
      const value = u16(e + 2) === 3 ? u16(e + 8) : 0; // SHORT, stored in the value field
      return value >= 1 && value <= 8 ? value : 0;
    }
  }
  return 0;
}

/**
 * The raster turned upright for an EXIF orientation: 2 mirrors left–right, 3 turns 180°, 4 mirrors
 * top–bottom, 5 transposes, 6 turns 90° clockwise, 7 transverses, 8 turns 90° anticlockwise
 * (5–8 swap width and height). Orientation 1 returns the raster itself.
 */
export function applyOrientation(r: Raster, orientation: number): Raster {
  if (orientation < 2 || orientation > 8) return r;
  const { width: w, height: h, channels: c } = r;
  const swap = orientation >= 5;
  const ow = swap ? h : w, oh = swap ? w : h;
  const out = new (r.data.constructor as Uint8ArrayConstructor | Uint16ArrayConstructor)(r.data.length);
  // For each output pixel (x, y), the stored pixel (sx, sy) it shows.
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      let sx: number, sy: number;
      switch (orientation) {
        case 2:
          [sx, sy] = [w - 1 - x, y];
          break;
        case 3:
          [sx, sy] = [w - 1 - x, h - 1 - y];
          break;
        case 4:
          [sx, sy] = [x, h - 1 - y];
          break;
        case 5:
          [sx, sy] = [y, x];
          break;
        case 6:
          [sx, sy] = [y, h - 1 - x];
          break;
        case 7:
          [sx, sy] = [w - 1 - y, h - 1 - x];
          break;
        default:
          [sx, sy] = [w - 1 - y, x];
          break; // 8
      }
      const s = (sy * w + sx) * c, d = (y * ow + x) * c;
      for (let k = 0; k < c; k++) out[d + k] = r.data[s + k];
    }
  }
  return { ...r, width: ow, height: oh, data: out };
}
