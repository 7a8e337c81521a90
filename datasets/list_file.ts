/**
 * PaddleSeg's list files (`train.txt`, `val.txt`…): one sample per line, an image path and a
 * label path relative to `dataset_root`, separated by `|` (MiniDeepGlobeRoadExtraction) or
 * whitespace (PaddleSeg's `Dataset` default). By default the separator is detected per line (`|`
 * when the line has one, else whitespace); an explicit `separator` is used as given. Blank
 * lines are skipped; a test-mode line may name only an image.
 *
 * @example
 * ```ts
 * import { parseListFile } from "./list_file.ts";
 * parseListFile("a_sat.jpg|a_mask.png\n", { file: "train.txt", requireLabels: true });
 * // → [{ image: "a_sat.jpg", label: "a_mask.png", line: 1 }]
 * ```
 * @module
 */
import { DatasetError } from "./errors.ts";

/** One line of a list file. */
export interface ListEntry {
  image: string;
  label: string | null;
  /** 1-based line number. */
  line: number;
}

/** Options of {@linkcode parseListFile}. */
export interface ListFileOptions {
  /** The list file, for messages. */
  file: string;
  /** Separator between the image and label paths; default: `|` if the line has one, else whitespace. */
  separator?: string;
  /** Lines must name a label (train/val). */
  requireLabels: boolean;
}

/** Parses a list file's text. Throws a `DatasetError` naming the file and line. */
export function parseListFile(text: string, opts: ListFileOptions): ListEntry[] {
  const out: ListEntry[] = [];
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === "") return;
    const sep = opts.separator;
    let items: string[];
    if (sep === undefined) {
      items = line.includes("|") ? line.split("|").map((s) => s.trim()) : line.split(/\s+/);
    } else if (sep.trim() === "") items = line.split(/\s+/);
    else items = line.split(sep).map((s) => s.trim());
    const loc = { list: opts.file, line: i + 1 };
    if (items.some((s) => s === "") || items.length > 2) {
      const want = sep === undefined ? "`image|label` or `image label`" : `image${sep}label`;
      throw new DatasetError(`list line "${line}" should be ${want} (${items.length} fields)`, loc);
    }
    if (items.length === 1 && opts.requireLabels) {
      throw new DatasetError(
        `list line "${line}" names no label; train and val lists need image and label paths`,
        loc,
      );
    }
    out.push({ image: items[0], label: items[1] ?? null, line: i + 1 });
  });
  if (out.length === 0) {
    throw new DatasetError("the list file is empty: it names no samples", { file: opts.file });
  }
  return out;
}
