/**
 * A data set in a zip archive, read with jszip. jszip keeps the whole archive in memory (its
 * compressed bytes; entries are inflated one at a time when read): right for small and mini
 * sets such as MiniDeepGlobeRoadExtraction (~300 MB), wrong for Cityscapes-sized archives —
 * unzip those and point `dataset_root` at the folder.
 *
 * Guards: an entry whose stored name escapes the archive root (`../x`, `/x`, `C:\x`) makes the
 * whole archive refused (nothing is ever read or written outside it; seglab never extracts to
 * disk); the uncompressed sizes the archive declares may not add up past `maxBytes` (default
 * 4 GiB), and an entry that inflates past its declared size is stopped as it inflates (zip bomb).
 * @module
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import JSZip from "jszip";
import { DatasetError } from "./errors.ts";
import { type FileSource, isAbsoluteLike, normalizeRelative } from "./source.ts";

/** Default limit on the total uncompressed size of an archive: 4 GiB. */
export const DEFAULT_MAX_ZIP_BYTES = 4 * 1024 ** 3;

/** Options of {@linkcode openZip}. */
export interface ZipOptions {
  /** Most bytes the archive may inflate to, in all. Default {@linkcode DEFAULT_MAX_ZIP_BYTES}. */
  maxBytes?: number;
}

interface Entry {
  file: JSZip.JSZipObject;
  size: number;
}

function formatBytes(n: number): string {
  return n >= 1024 ** 3
    ? `${(n / 1024 ** 3).toFixed(2)} GiB`
    : n >= 1024 ** 2
    ? `${(n / 1024 ** 2).toFixed(1)} MiB`
    : `${n} bytes`;
}

/** Inflates one entry, stopping once it passes `limit` bytes. */
function inflateBounded(file: JSZip.JSZipObject, limit: number, where: string): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Uint8Array[] = [];
    let total = 0, done = false;
    // deno-lint-ignore no-explicit-any
    const helper = (file as any).internalStream("uint8array");
    helper.on("data", (chunk: Uint8Array) => {
      if (done) return;
      total += chunk.length;
      if (total > limit) {
        done = true;
        helper.pause();
        reject(
          new DatasetError(
            `zip entry inflates past ${
              formatBytes(limit)
            } (its declared size or the archive limit): refused as a zip bomb`,
            { file: where },
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    helper.on("error", (e: Error) => {
      if (done) return;
      done = true;
      reject(new DatasetError(`corrupt zip entry (${e.message})`, { file: where }));
    });
    helper.on("end", () => {
      if (done) return;
      done = true;
      if (chunks.length === 1) return resolve(chunks[0]);
      const out = new Uint8Array(total);
      let o = 0;
      for (const c of chunks) {
        out.set(c, o);
        o += c.length;
      }
      resolve(out);
    });
    helper.resume();
  });
}

/**
 * Opens a zip archive as a {@linkcode FileSource}. When every entry sits in one top-level
 * folder (`MiniDeepGlobeRoadExtraction/train.txt`…), that folder is the data set's root.
 */
export async function openZip(zipPath: string, opts: ZipOptions = {}): Promise<FileSource> {
  const location = path.resolve(zipPath);
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_ZIP_BYTES;
  if (!fs.existsSync(location)) throw new DatasetError("dataset_root does not exist", { file: location });
  const stat = fs.statSync(location);
  if (stat.size > 2 ** 31 - 1) {
    throw new DatasetError(
      `the archive is ${
        formatBytes(stat.size)
      }: too large to read into memory; unzip it and point dataset_root at the folder`,
      { file: location },
    );
  }
  const bytes = await fsp.readFile(location);
  let zip: JSZip;
  try {
    zip = await JSZip.loadAsync(bytes, { createFolders: false });
  } catch (e) {
    throw new DatasetError(`not a readable zip archive (${(e as Error).message.split(" : ")[0]})`, {
      file: location,
    }, { cause: e });
  }
  const entries = new Map<string, Entry>();
  let declared = 0;
  for (const file of Object.values(zip.files)) {
    // jszip strips "../" from `name`; the name as stored is what must be judged.
    const stored = (file as unknown as { unsafeOriginalName?: string }).unsafeOriginalName ?? file.name;
    if (
      isAbsoluteLike(stored) || normalizeRelative(stored) === null || stored.split(/[\\/]/).includes("..")
    ) {
      throw new DatasetError(`zip entry "${stored}" escapes the archive's root: refusing the archive`, {
        file: location,
      });
    }
    if (file.dir) continue;
    const rel = normalizeRelative(stored)!;
    // deno-lint-ignore no-explicit-any
    const size = Number((file as any)._data?.uncompressedSize ?? 0);
    declared += size;
    if (declared > maxBytes) {
      throw new DatasetError(
        `the archive declares more than ${
          formatBytes(maxBytes)
        } uncompressed (max_zip_bytes): refused as a possible zip bomb`,
        { file: location },
      );
    }
    entries.set(rel, { file, size });
  }
  // A single top-level folder (and nothing else but macOS metadata) is the root.
  const names = [...entries.keys()].filter((n) => !n.startsWith("__MACOSX/"));
  const tops = new Set(names.map((n) => (n.includes("/") ? n.slice(0, n.indexOf("/") + 1) : n)));
  const prefix = tops.size === 1 && [...tops][0].endsWith("/") ? [...tops][0] : "";
  const key = (rel: string) => {
    const n = normalizeRelative(rel);
    return n === null || isAbsoluteLike(rel) ? null : prefix + n;
  };
  const describe = (rel: string) => `${location}:${prefix}${normalizeRelative(rel) ?? rel}`;
  return {
    kind: "zip",
    location: prefix ? `${location}:${prefix.slice(0, -1)}` : location,
    has: (rel) => {
      const k = key(rel);
      return k !== null && entries.has(k);
    },
    async read(rel) {
      const k = key(rel);
      if (k === null) {
        throw new DatasetError(`path "${rel}" escapes the archive's root: refused`, { file: location });
      }
      const e = entries.get(k);
      if (!e) throw new DatasetError("file not found in the archive", { file: describe(rel) });
      return await inflateBounded(e.file, e.size, describe(rel));
    },
    list(pre) {
      const p = prefix + (normalizeRelative(pre) ?? "");
      const want = p && !p.endsWith("/") ? p + "/" : p;
      return Promise.resolve(
        [...entries.keys()].filter((k) => k.startsWith(want)).map((k) => k.slice(prefix.length)).sort(),
      );
    },
    describe,
    close() {
      entries.clear();
    },
  };
}
