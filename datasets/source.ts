/**
 * Where a data set's files come from: a folder on disk or a zip archive. Paths inside a
 * source are relative, `/`-separated; `describe` turns one into what a user can find
 * (`/data/x.zip:train/1_sat.jpg`, or a path).
 * @module
 */

/** Read access to a data set's files. */
export interface FileSource {
  readonly kind: "folder" | "zip";
  /** The folder, or the archive path. */
  readonly location: string;
  /** True when the relative path names a file. */
  has(rel: string): boolean;
  /** The file's bytes (throws a `DatasetError` naming the file when it is missing or unreadable). */
  read(rel: string): Promise<Uint8Array>;
  /** Every file's relative path under `prefix` (a folder path, "" for all), sorted. */
  list(prefix: string): Promise<string[]>;
  /** How to show the relative path to a user. */
  describe(rel: string): string;
  /** Releases what the source holds (the archive's bytes). */
  close(): void;
}

/** Normalises a relative path (`\` → `/`, `.` and `..` resolved); null if it climbs above the root. */
export function normalizeRelative(p: string): string | null {
  const parts: string[] = [];
  for (const seg of p.replace(/\\/g, "/").split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      if (parts.length === 0) return null;
      parts.pop();
    } else parts.push(seg);
  }
  return parts.join("/");
}

/** True for `/x`, `C:\x`, `C:/x`, `\\server\x`. */
export function isAbsoluteLike(p: string): boolean {
  return p.startsWith("/") || p.startsWith("\\") || /^[A-Za-z]:/.test(p);
}
