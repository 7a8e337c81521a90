/** File helpers over `node:fs`, shared by Deno and Node. Writes are atomic (temp file + rename). */
import * as fs from "node:fs";
import * as fsp from "node:fs/promises";
import * as path from "node:path";
import process from "node:process";

/** Reads a UTF-8 text file. */
export function readText(file: string): Promise<string> {
  return fsp.readFile(file, "utf8");
}

/** Reads a UTF-8 text file synchronously. */
export function readTextSync(file: string): string {
  return fs.readFileSync(file, "utf8");
}

/** Reads a file's bytes. */
export async function readBytes(file: string): Promise<Uint8Array> {
  const b = await fsp.readFile(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** True when the path exists. */
/**
 * Why reading a file failed, in words for an error message: "no such file", "permission denied",
 * "it is a directory", or the error's own message.
 */
export function readFailure(e: unknown): string {
  const code = (e as { code?: string }).code;
  return code === "ENOENT"
    ? "no such file"
    : code === "EACCES"
    ? "permission denied"
    : code === "EISDIR"
    ? "it is a directory"
    : (e as Error).message;
}

export function exists(file: string): boolean {
  return fs.existsSync(file);
}

/** `path.resolve`. */
export function resolvePath(...parts: string[]): string {
  return path.resolve(...parts);
}

/** `path.dirname`. */
export function dirname(file: string): string {
  return path.dirname(file);
}

/**
 * Writes `data` to `file` atomically: a temporary file in the same folder is written, flushed
 * and renamed over the target, so a reader never sees a half-written file and a crash leaves
 * the previous version intact.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const dir = path.dirname(file);
  await fsp.mkdir(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const handle = await fsp.open(tmp, "w");
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fsp.rename(tmp, file);
  } catch (e) {
    await fsp.rm(tmp, { force: true });
    throw e;
  }
}
