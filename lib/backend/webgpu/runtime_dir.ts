/**
 * Quiets a false alarm on headless Linux: asking for a WebGPU adapter makes the Vulkan loader's
 * window-system layer (libwayland, through Mesa and other drivers) look for
 * `$XDG_RUNTIME_DIR`, and where it is unset — in a container, a Slurm job, a cron or CI shell — it
 * prints `error: XDG_RUNTIME_DIR is invalid or not set in the environment.` to stderr, twice,
 * although nothing is wrong and no window is needed. Before the first adapter request, when the
 * variable is unset, seglab points it at a private, empty folder of its own (mode 0700), so the
 * lookup finds no display and stays silent. A variable that is set is never touched.
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";

let done = false;

/**
 * Sets `XDG_RUNTIME_DIR` to a private empty folder (`<tmp>/seglab-runtime-<uid>`, mode 0700,
 * reused across runs) when it is unset on Linux; returns the folder, or null when nothing was set.
 */
export function ensureRuntimeDir(env: Record<string, string | undefined> = process.env): string | null {
  const own = env === process.env;
  if (own && done) return null;
  if (own) done = true;
  if (process.platform !== "linux" || env.XDG_RUNTIME_DIR) return null;
  const uid = process.getuid?.() ?? 0;
  const dir = path.join(os.tmpdir(), `seglab-runtime-${uid}`);
  try {
    fs.mkdirSync(dir, { mode: 0o700 });
  } catch (e) {
    if ((e as { code?: string }).code !== "EEXIST") return null; // a read-only temp folder: cosmetic, carry on
  }
  try {
    const st = fs.lstatSync(dir);
    // Someone else's folder (or a link) under a shared /tmp is not ours to point at.
    if (!st.isDirectory() || st.uid !== uid || (st.mode & 0o077) !== 0) return null;
  } catch {
    return null;
  }
  env.XDG_RUNTIME_DIR = dir;
  return dir;
}
