/**
 * A data set in a folder: files are read one at a time when a sample needs them (streamed,
 * nothing held in memory). List-file paths may point anywhere the user's files are, as in
 * PaddleSeg (relative paths resolve against the folder; absolute ones are used as they are).
 * @module
 */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import { DatasetError } from "./errors.ts";
import type { FileSource } from "./source.ts";

/** Opens a folder as a {@linkcode FileSource}. */
export function openFolder(folder: string): FileSource {
  const root = path.resolve(folder);
  let st: fs.Stats;
  try {
    st = fs.statSync(root);
  } catch {
    throw new DatasetError("dataset_root does not exist", { file: root });
  }
  if (!st.isDirectory()) {
    throw new DatasetError("dataset_root is not a folder or a .zip file", { file: root });
  }
  const abs = (rel: string) => (path.isAbsolute(rel) ? rel : path.join(root, rel));
  return {
    kind: "folder",
    location: root,
    has: (rel) => {
      try {
        return fs.statSync(abs(rel)).isFile();
      } catch {
        return false;
      }
    },
    async read(rel) {
      try {
        const b = await fsp.readFile(abs(rel));
        return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
      } catch (e) {
        const code = (e as { code?: string }).code;
        throw new DatasetError(
          code === "ENOENT" ? "file not found" : `cannot read (${(e as Error).message})`,
          { file: abs(rel) },
        );
      }
    },
    async list(prefix) {
      const out: string[] = [];
      const walk = async (dir: string) => {
        let entries: fs.Dirent[];
        try {
          entries = await fsp.readdir(path.join(root, dir), { withFileTypes: true });
        } catch {
          return;
        }
        for (const e of entries) {
          const rel = dir ? `${dir}/${e.name}` : e.name;
          if (e.isDirectory()) await walk(rel);
          else if (e.isFile()) out.push(rel);
        }
      };
      await walk(prefix.replace(/\/+$/, ""));
      return out.sort();
    },
    describe: (rel) => abs(rel),
    close() {},
  };
}
