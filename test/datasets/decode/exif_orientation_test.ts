import assert from "node:assert/strict";
import jpeg from "jpeg-js";
import { decodeRaster, rasterToImage } from "../../../datasets/decode/mod.ts";
import { jpegOrientation } from "../../../datasets/decode/exif_orientation.ts";

// A 32×16 image in four colour quadrants: red | green over blue | white.
const COLOURS: Record<string, [number, number, number]> = {
  R: [255, 0, 0],
  G: [0, 255, 0],
  B: [0, 0, 255],
  W: [255, 255, 255],
};
function quadrants(): Uint8Array {
  const w = 32, h = 16, rgba = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = COLOURS[y < 8 ? (x < 16 ? "R" : "G") : (x < 16 ? "B" : "W")];
      rgba.set([...c, 255], (y * w + x) * 4);
    }
  }
  return jpeg.encode({ data: rgba, width: w, height: h }, 95).data;
}

/** An APP1 EXIF segment with one IFD0 entry: orientation (SHORT), in either byte order. */
function exifSegment(orientation: number, little: boolean): Uint8Array {
  const tiff = new Uint8Array(8 + 2 + 12 + 4);
  const v = new DataView(tiff.buffer);
  tiff.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
  v.setUint16(2, 42, little);
  v.setUint32(4, 8, little);
  v.setUint16(8, 1, little); // one entry
  v.setUint16(10, 0x0112, little);
  v.setUint16(12, 3, little); // SHORT
  v.setUint32(14, 1, little);
  v.setUint16(18, orientation, little);
  const body = new Uint8Array([...new TextEncoder().encode("Exif"), 0, 0, ...tiff]);
  return new Uint8Array([0xff, 0xe1, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body]);
}
const withSegment = (jpg: Uint8Array, seg: Uint8Array) =>
  new Uint8Array([...jpg.subarray(0, 2), ...seg, ...jpg.subarray(2)]);

/** The colours at the centres of the four quadrants (TL, TR, BL, BR), by nearest named colour. */
function quadrantNames(bytes: Uint8Array, forLabel = false): { size: [number, number]; names: string } {
  const r = decodeRaster(bytes, forLabel);
  const img = rasterToImage(r, 3);
  const at = (x: number, y: number) => {
    const p = (y * img.width + x) * 3;
    const px = [img.data[p], img.data[p + 1], img.data[p + 2]];
    return Object.entries(COLOURS).reduce((best, [k, c]) => {
      const d = c.reduce((s, ci, i) => s + (ci - px[i]) ** 2, 0);
      return d < best[1] ? [k, d] as [string, number] : best;
    }, ["?", Infinity] as [string, number])[0];
  };
  const { width: w, height: h } = img;
  return {
    size: [w, h],
    names: at(w >> 2, h >> 2) + at((3 * w) >> 2, h >> 2) + at(w >> 2, (3 * h) >> 2) +
      at((3 * w) >> 2, (3 * h) >> 2),
  };
}

// What Pillow's ImageOps.exif_transpose shows for each orientation of this image (checked with
// Pillow 9.4): TL, TR, BL, BR quadrant colours and the upright size.
const UPRIGHT: Record<number, { size: [number, number]; names: string }> = {
  1: { size: [32, 16], names: "RGBW" },
  2: { size: [32, 16], names: "GRWB" },
  3: { size: [32, 16], names: "WBGR" },
  4: { size: [32, 16], names: "BWRG" },
  5: { size: [16, 32], names: "RBGW" },
  6: { size: [16, 32], names: "BRWG" },
  7: { size: [16, 32], names: "WGBR" },
  8: { size: [16, 32], names: "GWRB" },
};

Deno.test("JPEG images are turned upright by their EXIF orientation (1–8, both byte orders), as cv2.imread does", () => {
  const plain = quadrants();
  assert.deepEqual(quadrantNames(plain), UPRIGHT[1], "no EXIF: as stored");
  for (const little of [true, false]) {
    for (let o = 1; o <= 8; o++) {
      const bytes = withSegment(plain, exifSegment(o, little));
      assert.equal(jpegOrientation(bytes), o);
      assert.deepEqual(quadrantNames(bytes), UPRIGHT[o], `orientation ${o}, ${little ? "II" : "MM"}`);
    }
  }
});

Deno.test("JPEG labels keep their stored orientation (as Pillow reads them)", () => {
  const bytes = withSegment(quadrants(), exifSegment(6, true));
  assert.deepEqual(quadrantNames(bytes, true), UPRIGHT[1]);
});

Deno.test("a damaged or out-of-range EXIF orientation is ignored, never an error", () => {
  const plain = quadrants();
  assert.equal(jpegOrientation(withSegment(plain, exifSegment(9, true))), 1);
  assert.equal(jpegOrientation(withSegment(plain, exifSegment(0, false))), 1);
  const truncated = exifSegment(6, true).subarray(0, 16);
  truncated[3] = truncated.length - 2; // a segment that ends inside the TIFF header
  assert.equal(jpegOrientation(withSegment(plain, truncated)), 1);
  const notExif = exifSegment(6, true);
  notExif[4] = 0x58; // "Xxif"
  assert.equal(jpegOrientation(withSegment(plain, notExif)), 1);
  assert.deepEqual(quadrantNames(withSegment(plain, notExif)), UPRIGHT[1]);
});
