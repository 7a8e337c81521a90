/**
 * `DatasetError`: bad data or a bad dataset spec, with the file (and list-file line) it came from.
 *
 * @example
 * ```ts
 * import { DatasetError } from "./errors.ts";
 * throw new DatasetError("label is 512×512 but the image is 1024×1024", { file: "a_mask.png", list: "train.txt", line: 3 });
 * ```
 * @module
 */

/** Where a problem was found: a file, and the list file and line that named it. */
export interface DataLocation {
  /** The file the problem is in (as the user would find it: archive path + entry, or a path). */
  file?: string;
  /** The list file that named it. */
  list?: string;
  /** 1-based line in `list`. */
  line?: number;
}

/** Formats a location as `file (train.txt line 3)`, or `train.txt line 3` for the list itself. */
export function describeLocation(loc: DataLocation): string {
  const where = loc.list ? `${loc.list}${loc.line ? ` line ${loc.line}` : ""}` : "";
  if (!loc.file) return where;
  return where ? `${loc.file} (${where})` : loc.file;
}

/** An error in a data set: names the file, and the list line where there is one. */
export class DatasetError extends Error {
  override name = "DatasetError";
  readonly file?: string;
  readonly list?: string;
  readonly line?: number;
  constructor(message: string, loc: DataLocation = {}, options?: { cause?: unknown }) {
    const where = describeLocation(loc);
    super(where ? `${where}: ${message}` : message, options);
    this.file = loc.file;
    this.list = loc.list;
    this.line = loc.line;
  }
}
