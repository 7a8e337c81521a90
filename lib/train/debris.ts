/**
 * Leftovers of checkpoint writes that were cut short (kill -9, a crash, power loss) are cleaned
 * up when the next trainer starts in the folder, after it has taken the folder's lock (so no
 * live trainer is writing there). `saveCheckpoint` writes `.<name>.tmp-<pid>-<t>/` and renames it
 * to `<name>/`; replacing an existing `<name>/` first moves it to `.<name>.old-<pid>-<t>/`. So:
 *
 * - `.<name>.tmp-*`: a write that never finished (or finished but was not renamed) — removed;
 * - `.<name>.old-*` beside `<name>/`: the previous copy, replaced — removed;
 * - `.<name>.old-*` with no `<name>/`: the crash came between the two renames; the old copy is
 *   the only complete one, so it is put back as `<name>/`.
 *
 * None of these is ever listed as a checkpoint (`listCheckpoints` reads `iter_<k>/` only).
 *
 * @example
 * ```ts
 * const r = cleanDebris("output/road", (l) => console.error(l));
 * r.removed; // [".iter_80.tmp-123-lx9", …]
 * ```
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** A hidden leftover's name: `.<name>.tmp-<pid>-<t>` or `.<name>.old-<pid>-<t>`. */
const DEBRIS = /^\.(.+)\.(tmp|old)-(\d+)-([0-9a-z]+)$/;

/** Parses a leftover's name. */
export function parseDebris(name: string): { target: string; kind: "tmp" | "old"; pid: number } | null {
  const m = DEBRIS.exec(name);
  return m ? { target: m[1], kind: m[2] as "tmp" | "old", pid: Number(m[3]) } : null;
}

/** True when `dir` holds a complete checkpoint or model (its state or model file). */
function complete(dir: string): boolean {
  return fs.existsSync(path.join(dir, "train_state.json")) || fs.existsSync(path.join(dir, "model.json"));
}

/** The leftovers in `saveDir` (names). */
export function findDebris(saveDir: string): string[] {
  if (!fs.existsSync(saveDir)) return [];
  return fs.readdirSync(saveDir).filter((n) => parseDebris(n) !== null).sort();
}

/**
 * Removes the leftovers in `saveDir` (see the module doc); call it holding the folder's lock.
 * Returns what was removed and restored; `log` gets one line when there was anything.
 */
export function cleanDebris(
  saveDir: string,
  log?: (line: string) => void,
): { removed: string[]; restored: string[] } {
  const removed: string[] = [], restored: string[] = [];
  const names = findDebris(saveDir);
  // Restore first: an `.old` copy whose target is missing is the only complete one.
  for (const n of names) {
    const d = parseDebris(n)!;
    const target = path.join(saveDir, d.target);
    if (d.kind === "old" && !fs.existsSync(target) && complete(path.join(saveDir, n))) {
      fs.renameSync(path.join(saveDir, n), target);
      restored.push(d.target);
    }
  }
  for (const n of names) {
    const full = path.join(saveDir, n);
    if (!fs.existsSync(full)) continue;
    fs.rmSync(full, { recursive: true, force: true });
    removed.push(n);
  }
  if (removed.length || restored.length) {
    log?.(
      `[INFO] ${saveDir}: cleaned up after an interrupted checkpoint write: ` +
        [
          removed.length ? `removed ${removed.length} partial folder(s) (${removed.join(", ")})` : "",
          restored.length ? `restored ${restored.join(", ")} from its previous copy` : "",
        ].filter(Boolean).join("; "),
    );
  }
  return { removed, restored };
}
