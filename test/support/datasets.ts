/** Helpers for dataset tests: temporary folders of crafted images, labels and list files. */
import { encode } from "fast-png";
import jpeg from "jpeg-js";
import JSZip from "jszip";

/** A fresh temporary folder, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await Deno.makeTempDir({ prefix: "seglab-ds-" });
  return { dir, cleanup: () => Deno.remove(dir, { recursive: true }) };
}

/** PNG bytes of an 8-bit image (channels from the data length). */
export function png(data: Uint8Array, width: number, height: number): Uint8Array {
  const channels = data.length / (width * height);
  return encode({ width, height, data, channels, depth: 8 });
}

/** JPEG bytes of an RGB image. */
export function jpg(rgb: Uint8Array, width: number, height: number, quality = 90): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let p = 0; p < width * height; p++) {
    rgba.set(rgb.subarray(p * 3, p * 3 + 3), p * 4);
    rgba[p * 4 + 3] = 255;
  }
  return new Uint8Array(jpeg.encode({ width, height, data: rgba }, quality).data);
}

/** A W×H RGB image whose pixel (x, y) is (x, y, 7) — positions readable from values. */
export function coordImage(width: number, height: number): Uint8Array {
  const out = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out.set([x, y, 7], (y * width + x) * 3);
  return out;
}

/** Writes files (relative path → bytes or text) under `dir`. */
export async function writeTree(dir: string, files: Record<string, Uint8Array | string>): Promise<void> {
  for (const [rel, data] of Object.entries(files)) {
    const file = `${dir}/${rel}`;
    await Deno.mkdir(file.slice(0, file.lastIndexOf("/")), { recursive: true });
    if (typeof data === "string") await Deno.writeTextFile(file, data);
    else await Deno.writeFile(file, data);
  }
}

/** A zip of the given files (names used exactly as given, even `../x`). */
export async function zipOf(files: Record<string, Uint8Array | string>): Promise<Uint8Array> {
  const z = new JSZip();
  for (const [name, data] of Object.entries(files)) z.file(name, data, { createFolders: false });
  return await z.generateAsync({ type: "uint8array", compression: "DEFLATE" });
}

/**
 * A small two-class road-like data set in a folder: `n` RGB images (JPEG or PNG), 0/1 labels,
 * `train.txt` with `image|label` lines. Returns the folder.
 */
export async function roadFolder(dir: string, n = 3, size = 16): Promise<string> {
  const files: Record<string, Uint8Array | string> = {};
  const lines: string[] = [];
  for (let i = 0; i < n; i++) {
    const label = new Uint8Array(size * size).map((_, p) => ((p % size) === 5 + i ? 1 : 0));
    files[`img/${i}_sat.png`] = png(coordImage(size, size), size, size);
    files[`img/${i}_mask.png`] = png(label, size, size);
    lines.push(`img/${i}_sat.png|img/${i}_mask.png`);
  }
  files["train.txt"] = lines.join("\n") + "\n";
  files["val.txt"] = lines.slice(0, 1).join("\n") + "\n";
  await writeTree(dir, files);
  return dir;
}

/**
 * Asserts two array-likes are equal element by element, reporting the first difference.
 * (node:assert's deepEqual builds a diff of large unequal typed arrays, which can take minutes.)
 */
export function assertSameArray(
  a: ArrayLike<number> | null | undefined,
  b: ArrayLike<number> | null | undefined,
  what = "arrays",
): void {
  if (a == null || b == null) {
    if (a != b) {
      throw new Error(`${what}: one is ${a == null ? a : "set"}, the other ${b == null ? b : "set"}`);
    }
    return;
  }
  if (a.length !== b.length) throw new Error(`${what}: lengths ${a.length} and ${b.length}`);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) {
      throw new Error(`${what}: first difference at ${i}: ${a[i]} vs ${b[i]}`);
    }
  }
}

/** Asserts two samples (raw or transformed) are identical. */
export function assertSameSample(
  a: {
    image: ArrayLike<number>;
    label: ArrayLike<number> | null;
    edge?: ArrayLike<number>;
    width: number;
    height: number;
    name: string;
  },
  b: {
    image: ArrayLike<number>;
    label: ArrayLike<number> | null;
    edge?: ArrayLike<number>;
    width: number;
    height: number;
    name: string;
  },
): void {
  if (a.name !== b.name || a.width !== b.width || a.height !== b.height) {
    throw new Error(`samples differ: ${a.name} ${a.width}×${a.height} vs ${b.name} ${b.width}×${b.height}`);
  }
  assertSameArray(a.image, b.image, `${a.name} image`);
  assertSameArray(a.label, b.label, `${a.name} label`);
  assertSameArray(a.edge, b.edge, `${a.name} edge`);
}
