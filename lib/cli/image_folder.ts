/**
 * A folder (or one file) of images as a test-mode data set for prediction: PNG/JPEG files in
 * name order, decoded as PaddleSeg reads them (RGB, or gray for one channel) and passed through
 * the config's `val_dataset` transforms (e.g. `Normalize`), as PaddleSeg's `predict.py` does.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { readBytes } from "../core/runtime.ts";
import * as ds from "../train/data.ts";
import type { SegDataset } from "../train/data.ts";

const IMAGE = /\.(png|jpe?g)$/i;

/** The image files under `p` (recursively), sorted; `p` itself when it is a file. */
export function imageFiles(p: string): string[] {
  if (!fs.existsSync(p)) throw new Error(`--images: ${p} does not exist`);
  if (fs.statSync(p).isFile()) return [path.resolve(p)];
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, e.name);
      if (e.isDirectory()) walk(full);
      else if (IMAGE.test(e.name)) out.push(full);
    }
  };
  walk(path.resolve(p));
  if (!out.length) throw new Error(`--images: no PNG or JPEG files in ${p}`);
  return out;
}

/** A test-mode data set over image files with the given transforms. */
export function imageFolderDataset(
  p: string,
  opts: {
    transforms?: unknown;
    numClasses: number;
    ignoreIndex?: number;
    palette?: readonly [number, number, number][];
    classNames?: readonly string[];
    channels?: 1 | 3;
  },
): SegDataset {
  const files = imageFiles(p);
  const root = fs.statSync(p).isFile() ? path.dirname(path.resolve(p)) : path.resolve(p);
  const ignoreIndex = opts.ignoreIndex ?? 255;
  const transforms = ds.createTransforms(opts.transforms ?? [{ type: "Normalize" }], { ignoreIndex });
  const channels = opts.channels ?? 3;
  const raw = async (i: number) => {
    let img;
    try {
      img = ds.rasterToImage(ds.decodeRaster(await readBytes(files[i])), channels);
    } catch (e) {
      throw new Error(`${files[i]}: ${(e as Error).message}`);
    }
    return img;
  };
  return {
    length: files.length,
    numClasses: opts.numClasses,
    ignoreIndex,
    classNames: opts.classNames ?? [],
    palette: opts.palette ?? [],
    mode: "test",
    root,
    async get(i) {
      const img = await raw(i);
      const s = ds.applyTransforms(transforms, {
        image: Float32Array.from(img.data),
        label: null,
        height: img.height,
        width: img.width,
        channels: img.channels,
      }, ds.rngFor(0, 0, i));
      const label = s.label ?? new Uint8Array(s.height * s.width).fill(ignoreIndex);
      return {
        image: s.image,
        label,
        height: s.height,
        width: s.width,
        channels: s.channels,
        name: path.relative(root, files[i]),
      };
    },
    async getRaw(i) {
      const img = await raw(i);
      return {
        image: img.data,
        label: null,
        height: img.height,
        width: img.width,
        channels: img.channels,
        name: path.relative(root, files[i]),
      };
    },
  };
}
