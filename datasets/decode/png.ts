/**
 * PNG decoding with fast-png (pure JavaScript): gray, gray+alpha, RGB, RGBA and indexed, at 1,
 * 2, 4, 8 and 16 bits, interlaced or not. The chunk structure is walked first so a truncated
 * file is reported as truncated (with the chunk and offset), and CRCs are checked so a
 * corrupted one is caught. Sub-byte depths are unpacked as Pillow does: indexed → indices,
 * 1-bit gray → 0/1 for labels (Pillow's mode "1" as an array) or 0/255 for images, 2/4-bit gray
 * scaled to 0–255.
 * @module
 */
import { decode } from "fast-png";
import type { Raster } from "./raster.ts";

const SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the bytes start with the PNG signature. */
export function isPng(b: Uint8Array): boolean {
  return b.length >= 8 && SIG.every((v, i) => b[i] === v);
}

/** Walks the chunks; returns a problem description or null when the structure is whole. */
export function pngStructureProblem(b: Uint8Array): string | null {
  if (!isPng(b)) return "not a PNG (bad signature)";
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  let off = 8, sawIHDR = false, sawIDAT = false;
  while (true) {
    if (off + 8 > b.length) return `truncated: file ends at byte ${b.length} before the IEND chunk`;
    const len = dv.getUint32(off);
    const type = String.fromCharCode(b[off + 4], b[off + 5], b[off + 6], b[off + 7]);
    if (!/^[A-Za-z]{4}$/.test(type)) return `corrupt: bad chunk type at byte ${off}`;
    if (!sawIHDR && type !== "IHDR") return `corrupt: first chunk is ${type}, not IHDR`;
    if (off + 12 + len > b.length) {
      return `truncated: chunk ${type} at byte ${off} needs ${len + 12} bytes, ${b.length - off} left`;
    }
    if (type === "IHDR") sawIHDR = true;
    if (type === "IDAT") sawIDAT = true;
    off += 12 + len;
    if (type === "IEND") break;
  }
  if (!sawIDAT) return "corrupt: no IDAT (image data) chunk";
  return null;
}

/** Decodes PNG bytes; `forLabel` picks Pillow's array semantics for 1-bit gray (0/1). */
export function decodePng(bytes: Uint8Array, forLabel: boolean): Raster {
  const problem = pngStructureProblem(bytes);
  if (problem) throw new Error(problem);
  let png;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (e) {
    const cause = (e as Error).cause as Error | undefined;
    throw new Error(`corrupt PNG data (${(e as Error).message}${cause?.message ? ` ${cause.message}` : ""})`);
  }
  const { width, height } = png;
  const channels = png.channels;
  const depth = png.depth as number;
  if (depth === 16) {
    return {
      width,
      height,
      channels,
      data: png.data as Uint16Array,
      depth: 16,
      format: "png",
      storedDepth: 16,
    };
  }
  let data = png.data as Uint8Array;
  if (depth < 8) {
    data = unpack(
      data,
      width,
      height,
      channels,
      depth,
      png.palette ? "index" : forLabel && depth === 1 ? "bool" : "scale",
    );
  }
  if (data.length !== width * height * channels) {
    throw new Error(`corrupt PNG data (${data.length} samples for ${width}×${height}×${channels})`);
  }
  return { width, height, channels, data, depth: 8, palette: png.palette, format: "png", storedDepth: depth };
}

function unpack(
  packed: Uint8Array,
  w: number,
  h: number,
  c: number,
  depth: number,
  mode: "index" | "bool" | "scale",
): Uint8Array {
  const out = new Uint8Array(w * h * c);
  const perLine = Math.ceil((depth * c * w) / 8), mask = (1 << depth) - 1, per = 8 / depth;
  const scale = mode === "scale" ? 255 / mask : 1;
  for (let y = 0; y < h; y++) {
    for (let i = 0; i < w * c; i++) {
      const byte = packed[y * perLine + Math.floor(i / per)];
      const v = (byte >> (8 - depth * ((i % per) + 1))) & mask;
      out[y * w * c + i] = mode === "bool" ? (v ? 1 : 0) : v * scale;
    }
  }
  return out;
}
