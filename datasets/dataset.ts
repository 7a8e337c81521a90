/**
 * A segmentation data set over a file source and a list of (image, label) pairs: decoding,
 * label remap and checks, transforms, edges. The loaders (`Dataset`, `Cityscapes`,
 * `MiniDeepGlobeRoadExtraction`) only differ in how they find the pairs and their classes.
 * Samples are decoded when asked for; nothing is cached.
 * @module
 */
import { DISPLAY, type MimeBundle } from "../lib/core/mime.ts";
import { escapeHtml } from "../lib/core/escape.ts";
import { decodeRaster, type ImageU8, rasterToImage } from "./decode/image.ts";
import type { Raster } from "./decode/raster.ts";
import { maskToBinaryEdge } from "./edge.ts";
import { DatasetError } from "./errors.ts";
import { labelProblem, type LabelRemap, rasterToLabel } from "./label_remap.ts";
import type { ListEntry } from "./list_file.ts";
import { rngFor } from "./rng.ts";
import type { FileSource } from "./source.ts";
import { applyTransforms } from "./transforms/compose.ts";
import type { LabelArray, Transform, WorkSample } from "./transforms/sample.ts";
import type { RawSample, SampleFiles, SegDataset, SegSample } from "./types.ts";

/** Everything a data set is made of. */
export interface DatasetParts {
  type: string;
  source: FileSource;
  entries: readonly ListEntry[];
  /** The list file the entries came from (for messages), if any. */
  listFile?: string;
  mode: "train" | "val" | "test";
  numClasses: number;
  ignoreIndex: number;
  classNames: readonly string[];
  palette: readonly [number, number, number][];
  imgChannels: 1 | 3;
  transforms: readonly Transform[];
  edge: boolean;
  labelRemap: LabelRemap;
}

/** A sample's raw pixels, as decoded. */
interface Decoded {
  image: ImageU8;
  label: LabelArray | null;
}

/** Builds a {@linkcode SegDataset} from its parts; checks that every listed file exists. */
export function makeDataset(parts: DatasetParts): SegDataset & { readonly parts: DatasetParts } {
  const { source, entries, listFile } = parts;
  checkFilesExist(parts);
  const loc = (e: ListEntry, file: string) => ({
    file: source.describe(file),
    list: listFile,
    line: listFile ? e.line : undefined,
  });

  const decode = async (i: number): Promise<Decoded> => {
    if (!Number.isInteger(i) || i < 0 || i >= entries.length) {
      throw new RangeError(
        `sample index ${i} is out of range: the data set has ${entries.length} samples (0–${
          entries.length - 1
        })`,
      );
    }
    const e = entries[i];
    const [imBytes, lbBytes] = await Promise.all([
      readWithLine(source, e.image, e, listFile),
      e.label ? readWithLine(source, e.label, e, listFile) : Promise.resolve(null),
    ]);
    let imRaster: Raster;
    try {
      imRaster = decodeRaster(imBytes, false);
    } catch (err) {
      throw new DatasetError(`cannot decode the image: ${(err as Error).message}`, loc(e, e.image));
    }
    const image = rasterToImage(imRaster, parts.imgChannels);
    let label: LabelArray | null = null;
    if (lbBytes && e.label) {
      let lr: Raster;
      try {
        lr = decodeRaster(lbBytes, true);
      } catch (err) {
        throw new DatasetError(`cannot decode the label: ${(err as Error).message}`, loc(e, e.label));
      }
      if (lr.width !== image.width || lr.height !== image.height) {
        throw new DatasetError(
          `the label is ${lr.width}×${lr.height} but its image ${
            source.describe(e.image)
          } is ${image.width}×${image.height}`,
          loc(e, e.label),
        );
      }
      try {
        label = rasterToLabel(lr, parts.labelRemap, {
          ignoreIndex: parts.ignoreIndex,
          palette: parts.palette,
        });
      } catch (err) {
        throw new DatasetError((err as Error).message, loc(e, e.label));
      }
      const problem = labelProblem(label, lr.width, parts.numClasses, parts.ignoreIndex);
      if (problem) throw new DatasetError(problem, loc(e, e.label));
    }
    return { image, label };
  };

  const name = (i: number) => entries[i].image;

  const ds = {
    parts,
    type: parts.type,
    edge: parts.edge,
    length: entries.length,
    numClasses: parts.numClasses,
    ignoreIndex: parts.ignoreIndex,
    classNames: parts.classNames,
    palette: parts.palette,
    mode: parts.mode,
    root: source.location,
    files(i: number): SampleFiles {
      const e = entries[i];
      if (!e) throw new RangeError(`sample index ${i} is out of range (0–${entries.length - 1})`);
      return {
        image: source.describe(e.image),
        label: e.label ? source.describe(e.label) : null,
        list: listFile,
        line: listFile ? e.line : undefined,
      };
    },
    async getRaw(i: number): Promise<RawSample> {
      const d = await decode(i);
      return {
        image: d.image.data,
        label: d.label,
        height: d.image.height,
        width: d.image.width,
        channels: d.image.channels,
        name: name(i),
      };
    },
    async get(i: number, opts: { seed?: number; epoch?: number } = {}): Promise<SegSample> {
      const d = await decode(i);
      const w0: WorkSample = {
        image: Float32Array.from(d.image.data),
        label: d.label,
        height: d.image.height,
        width: d.image.width,
        channels: d.image.channels,
      };
      let w: WorkSample;
      try {
        w = applyTransforms(parts.transforms, w0, rngFor(opts.seed ?? 0, opts.epoch ?? 0, i));
      } catch (err) {
        throw new DatasetError(`transforms failed: ${(err as Error).message}`, {
          file: source.describe(entries[i].image),
          list: listFile,
          line: listFile ? entries[i].line : undefined,
        });
      }
      const label = w.label ??
        new (parts.ignoreIndex > 255 ? Int32Array : Uint8Array)(w.height * w.width).fill(parts.ignoreIndex);
      const sample: SegSample = {
        image: w.image,
        label,
        height: w.height,
        width: w.width,
        channels: w.channels,
        name: name(i),
      };
      if (parts.edge) sample.edge = maskToBinaryEdge(label, w.width, w.height, parts.numClasses, 2);
      return sample;
    },
    toString(): string {
      return describeDataset(parts);
    },
    [DISPLAY](): MimeBundle {
      const text = describeDataset(parts);
      const swatches = parts.classNames.map((n, k) => {
        const [r, g, b] = parts.palette[k] ?? [0, 0, 0];
        return `<span style="display:inline-block;width:0.9em;height:0.9em;background:rgb(${r},${g},${b});border:1px solid #999;vertical-align:middle"></span> ${k} ${
          escapeHtml(n)
        }`;
      }).join(" &nbsp; ");
      const html =
        `<div><b>${escapeHtml(parts.type)}</b> (${parts.mode}): ${entries.length} samples from <code>${
          escapeHtml(source.location)
        }</code>` +
        `<br/>${parts.numClasses} classes, ignore_index ${parts.ignoreIndex}: ${swatches}` +
        `<br/>transforms: ${escapeHtml(parts.transforms.map((t) => t.type).join(" → ") || "none")}${
          parts.edge ? "; with edge maps" : ""
        }</div>`;
      return { "text/plain": text, "text/html": html };
    },
  };
  return ds;
}

function describeDataset(p: DatasetParts): string {
  return `${p.type} (${p.mode}): ${p.entries.length} samples from ${p.source.location}; ${p.numClasses} classes ` +
    `(${p.classNames.join(", ")}), ignore_index ${p.ignoreIndex}; transforms: ${
      p.transforms.map((t) => t.type).join(" → ") || "none"
    }` +
    (p.edge ? "; with edge maps" : "");
}

async function readWithLine(
  source: FileSource,
  rel: string,
  e: ListEntry,
  listFile?: string,
): Promise<Uint8Array> {
  try {
    return await source.read(rel);
  } catch (err) {
    if (err instanceof DatasetError && listFile && err.line === undefined) {
      throw new DatasetError(err.message.slice(err.file ? err.file.length + 2 : 0), {
        file: err.file,
        list: listFile,
        line: e.line,
      });
    }
    throw err;
  }
}

function checkFilesExist(parts: DatasetParts): void {
  const missing: { e: ListEntry; file: string; what: string }[] = [];
  for (const e of parts.entries) {
    if (!parts.source.has(e.image)) missing.push({ e, file: e.image, what: "image" });
    if (e.label && !parts.source.has(e.label)) missing.push({ e, file: e.label, what: "label" });
  }
  if (missing.length === 0) return;
  const m = missing[0];
  const more = missing.length > 1
    ? ` (and ${missing.length - 1} more missing file${missing.length > 2 ? "s" : ""}: ${
      missing.slice(1, 4).map((x) => x.file).join(", ")
    }${missing.length > 4 ? ", …" : ""})`
    : "";
  throw new DatasetError(`${m.what} file not found${more}`, {
    file: parts.source.describe(m.file),
    list: parts.listFile,
    line: parts.listFile ? m.e.line : undefined,
  });
}
