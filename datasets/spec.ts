/**
 * Reading a data set spec (PaddleSeg's `train_dataset:` mapping): key checking, the source
 * (folder or zip), list files, classes (names and colours from the spec, the data set's own
 * `dataset.json`, or the loader's defaults), transforms and remaps.
 * @module
 */
import * as path from "node:path";
import * as fs from "node:fs";
import { defaultPalette, type RGB } from "../lib/core/palette.ts";
import { DatasetError } from "./errors.ts";
import { isRgb, type LabelRemap, parseLabelRemap } from "./label_remap.ts";
import { type ListEntry, parseListFile } from "./list_file.ts";
import { openFolder } from "./folder_source.ts";
import type { FileSource } from "./source.ts";
import { createTransforms } from "./transforms/compose.ts";
import type { Transform } from "./transforms/sample.ts";
import { openZip } from "./zip_source.ts";

/** Keys every loader accepts (seglab's additions to PaddleSeg's). */
export const COMMON_KEYS = [
  "type",
  "dataset_root",
  "transforms",
  "mode",
  "edge",
  "label_remap",
  "class_names",
  "palette",
  "max_zip_bytes",
];

/** A spec being read: remembers the loader's name for messages. */
export class SpecReader {
  readonly type: string;
  readonly spec: Record<string, unknown>;
  readonly baseDir: string;
  constructor(type: string, spec: Record<string, unknown>, baseDir: string, keys: string[]) {
    this.type = type;
    this.spec = spec;
    this.baseDir = baseDir;
    for (const k of Object.keys(spec)) {
      if (!keys.includes(k)) {
        throw new DatasetError(
          `${type}: unknown key "${k}"; ${type} accepts ${keys.filter((x) => x !== "type").join(", ")}`,
        );
      }
    }
  }
  fail(msg: string): never {
    throw new DatasetError(`${this.type}: ${msg}`);
  }
  mode(allowed: readonly ("train" | "val" | "test")[]): "train" | "val" | "test" {
    const m = this.spec.mode ?? "train";
    if (typeof m !== "string" || !(allowed as readonly string[]).includes(m)) {
      this.fail(
        `\`mode\` should be ${allowed.map((a) => `'${a}'`).join(" or ")}, but got ${JSON.stringify(m)}`,
      );
    }
    return m as "train" | "val" | "test";
  }
  bool(key: string, dflt: boolean): boolean {
    const v = this.spec[key] ?? dflt;
    if (typeof v !== "boolean") this.fail(`${key} must be true or false, got ${JSON.stringify(v)}`);
    return v as boolean;
  }
  int(key: string, dflt: number | undefined, min = 0): number | undefined {
    const v = this.spec[key] ?? dflt;
    if (v === undefined) return undefined;
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      this.fail(`${key} must be an integer ≥ ${min}, got ${JSON.stringify(v)}`);
    }
    return v as number;
  }
  /** Resolves a path against the config's folder. */
  resolve(p: string): string {
    return path.resolve(this.baseDir, p);
  }
  /** Opens `dataset_root`: a folder, or a `.zip` archive. */
  async source(): Promise<FileSource> {
    const root = this.spec.dataset_root;
    if (typeof root !== "string" || root === "") {
      this.fail(
        'dataset_root is required (a folder or a .zip); seglab downloads nothing — for a ready-made set use shippedDataPath("synthetic-roads") or shippedDataPath("synthetic-city")',
      );
    }
    const abs = this.resolve(root as string);
    const maxBytes = this.int("max_zip_bytes", undefined, 1);
    if (/\.zip$/i.test(abs) && !(fs.existsSync(abs) && fs.statSync(abs).isDirectory())) {
      return await openZip(abs, { maxBytes });
    }
    return openFolder(abs);
  }
  /**
   * Reads the list file `key` (`train_path`…): an absolute path, or relative to the config's
   * folder, or else relative to `dataset_root` (inside the archive for a zip).
   */
  async listFile(
    source: FileSource,
    key: string,
    fallback: string | null,
    requireLabels: boolean,
    separator?: string,
  ): Promise<{ entries: ListEntry[]; file: string }> {
    const given = this.spec[key];
    if (given !== undefined && (typeof given !== "string" || given === "")) {
      this.fail(`${key} must be a path, got ${JSON.stringify(given)}`);
    }
    const name = (given as string | undefined) ?? fallback;
    if (!name) this.fail(`${key} is required in mode '${this.spec.mode ?? "train"}'`);
    const tried: string[] = [];
    let text: string | null = null, file = "";
    if (given !== undefined) {
      const disk = this.resolve(name as string);
      tried.push(disk);
      if (fs.existsSync(disk) && fs.statSync(disk).isFile()) {
        text = fs.readFileSync(disk, "utf8");
        file = disk;
      }
    }
    if (text === null && !path.isAbsolute(name as string)) {
      const rel = name as string;
      tried.push(source.describe(rel));
      if (source.has(rel)) {
        text = new TextDecoder().decode(await source.read(rel));
        file = source.describe(rel);
      }
    }
    if (text === null) this.fail(`list file ${key} not found (looked for ${tried.join(" and ")})`);
    return { entries: parseListFile(text as string, { file, separator, requireLabels }), file };
  }
  separator(): string | undefined {
    const s = this.spec.separator;
    if (s === undefined) return undefined;
    if (typeof s !== "string" || s === "") {
      this.fail(`separator must be a non-empty string, got ${JSON.stringify(s)}`);
    }
    return s as string;
  }
  transforms(ignoreIndex: number): Transform[] {
    try {
      return createTransforms(this.spec.transforms, { ignoreIndex });
    } catch (e) {
      this.fail((e as Error).message);
    }
  }
  labelRemap(): LabelRemap {
    try {
      return parseLabelRemap(this.spec.label_remap);
    } catch (e) {
      this.fail((e as Error).message);
    }
  }
  /**
   * Classes: `num_classes`, `class_names`, `palette` from the spec, else from the data set's
   * own `dataset.json` ({"class_names": [...], "palette": [[r,g,b], ...]}), else the defaults.
   */
  async classes(
    source: FileSource,
    dflt: { numClasses?: number; names?: readonly string[]; palette?: readonly RGB[] },
  ): Promise<{ numClasses: number; names: string[]; palette: RGB[] }> {
    let meta: { class_names?: unknown; palette?: unknown } = {};
    if (source.has("dataset.json")) {
      try {
        meta = JSON.parse(new TextDecoder().decode(await source.read("dataset.json")));
      } catch (e) {
        throw new DatasetError(`dataset.json is not valid JSON (${(e as Error).message})`, {
          file: source.describe("dataset.json"),
        });
      }
    }
    const names = this.spec.class_names ?? meta.class_names;
    if (names !== undefined && (!Array.isArray(names) || !names.every((n) => typeof n === "string"))) {
      this.fail(`class_names must be a list of strings, got ${JSON.stringify(names)}`);
    }
    const pal = this.spec.palette ?? meta.palette;
    if (pal !== undefined && (!Array.isArray(pal) || !pal.every(isRgb))) {
      this.fail(`palette must be a list of [r, g, b] (0–255)`);
    }
    const fromSpec = this.int("num_classes", undefined, 1);
    const n = fromSpec ?? (names as string[] | undefined)?.length ?? dflt.numClasses;
    if (n === undefined) this.fail("num_classes is required");
    const nn = n as number;
    let outNames = (names as string[] | undefined) ??
      (dflt.names && dflt.names.length === nn ? [...dflt.names] : undefined);
    if (outNames && outNames.length !== nn) {
      this.fail(`class_names has ${outNames.length} names but num_classes is ${nn}`);
    }
    outNames ??= Array.from({ length: nn }, (_, k) => `class ${k}`);
    let outPal = (pal as RGB[] | undefined) ??
      (dflt.palette && dflt.palette.length >= nn ? dflt.palette.slice(0, nn) as RGB[] : undefined);
    outPal ??= defaultPalette(nn);
    if (outPal.length < nn) outPal = [...outPal, ...defaultPalette(nn).slice(outPal.length)];
    return { numClasses: nn, names: outNames, palette: outPal.slice(0, nn) };
  }
  imgChannels(): 1 | 3 {
    const c = this.spec.img_channels ?? 3;
    if (c !== 1 && c !== 3) this.fail(`img_channels must be 1 or 3, got ${JSON.stringify(c)}`);
    return c as 1 | 3;
  }
}
