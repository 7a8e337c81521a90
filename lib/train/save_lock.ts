/**
 * A save folder belongs to one trainer at a time: `lockSaveDir(dir)` creates `dir/.seglab.lock`
 * (exclusively: `open(…, "wx")`) holding the owner's pid, host, process start time and start
 * date. A second trainer, or a resume, beside a live owner is refused with a `LockError` naming
 * it. A lock whose owner is gone — its pid is dead on this host, or now belongs to a process that
 * started later — is stale: it is taken over, with a note. A lock from another host cannot be
 * checked and is refused (delete the file if that run is over).
 *
 * Inside one process (a notebook), a trainer that is stopping (interrupted, saving its last
 * checkpoint) still holds its lock; a new trainer on the same folder waits for it (up to 60 s)
 * instead of failing, so re-running an interrupted cell just works.
 *
 * The lock is released by `release()` (at the end of a run, also when stopped or failed) and,
 * as a last resort, when the process exits (`Deno.exit` / `process.exit`).
 *
 * @example
 * ```ts
 * const lock = await lockSaveDir("output/road", { log: console.error });
 * try { … } finally { lock.release(); }
 * ```
 * @module
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";

/** The lock file's name inside a save folder. */
export const LOCK_FILE = ".seglab.lock";

/** Who holds a lock. */
export interface LockOwner {
  pid: number;
  host: string;
  /** When the lock was taken (ISO date). */
  started: string;
  /** The owner's process start time (Linux: clock ticks since boot), to tell a reused pid. */
  procStart?: number | null;
  /** What holds it (e.g. "train"). */
  what?: string;
  /** A random token: only its owner removes the file. */
  token: string;
}

/** A save folder is locked by a live trainer (or the lock cannot be taken). */
export class LockError extends Error {
  override name = "LockError";
  constructor(message: string, readonly owner: LockOwner | null) {
    super(message);
  }
}

/** A held lock. */
export interface SaveLock {
  readonly dir: string;
  readonly file: string;
  readonly owner: LockOwner;
  /** Marks the holder as stopping (a trainer in this process may wait for it). */
  stopping(): void;
  /** Removes the lock (only if it is still ours). Safe to call twice. */
  release(): void;
}

/** Locks held by this process, by lock file. */
const held = new Map<
  string,
  { lock: SaveLock; stopping: boolean; released: Promise<void>; done: () => void }
>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  const releaseAll = () => {
    for (const h of [...held.values()]) h.lock.release();
  };
  // Deno.exit dispatches "unload"; Node's process.exit emits "exit" (Deno's process.exit, both).
  globalThis.addEventListener?.("unload", releaseAll);
  process.on("exit", releaseAll);
}

/** The start time of process `pid` (Linux /proc), or null where it cannot be read. */
export function processStart(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const v = Number(fields[19]);
    return Number.isFinite(v) ? v : null;
  } catch {
    return null;
  }
}

/** True when `pid` is a live process on this host. */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as { code?: string }).code === "EPERM";
  }
}

/** Whether the owner of a lock is still running: "live", "dead" (stale), or "unknown" (another host). */
export function ownerState(o: LockOwner): "live" | "dead" | "unknown" {
  if (o.host !== os.hostname()) return "unknown";
  if (!pidAlive(o.pid)) return "dead";
  if (o.procStart != null) {
    const now = processStart(o.pid);
    if (now !== null && now !== o.procStart) return "dead"; // the pid was reused
  }
  return "live";
}

/** Describes an owner for messages: "pid 123 on host x (train, since 2026-…)". */
export function describeOwner(o: LockOwner): string {
  const self = o.pid === process.pid && o.host === os.hostname() ? ", this process" : "";
  return `pid ${o.pid} on ${o.host}${self} (${o.what ?? "seglab"}, since ${o.started})`;
}

/** Reads a lock file; null when absent or unreadable (a lock being written). */
export function readLock(file: string): LockOwner | null {
  try {
    const o = JSON.parse(fs.readFileSync(file, "utf8"));
    return typeof o?.pid === "number" && typeof o?.host === "string" ? o as LockOwner : null;
  } catch {
    return null;
  }
}

function tryCreate(file: string, owner: LockOwner): boolean {
  let fd: number;
  try {
    fd = fs.openSync(file, "wx");
  } catch (e) {
    if ((e as { code?: string }).code === "EEXIST") return false;
    throw new LockError(`${file}: cannot create the lock file (${(e as Error).message})`, null);
  }
  try {
    fs.writeSync(fd, JSON.stringify(owner, null, 1) + "\n");
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return true;
}

/**
 * Locks `dir` (created if needed) for this process. Throws a {@linkcode LockError} naming the
 * owner when a live trainer holds it; takes over a stale lock (`log` gets a note).
 */
export async function lockSaveDir(
  dir: string,
  opts: { what?: string; log?: (line: string) => void; waitMs?: number } = {},
): Promise<SaveLock> {
  const abs = path.resolve(dir);
  const file = path.join(abs, LOCK_FILE);
  fs.mkdirSync(abs, { recursive: true });
  const owner: LockOwner = {
    pid: process.pid,
    host: os.hostname(),
    started: new Date().toISOString(),
    procStart: processStart(process.pid),
    what: opts.what ?? "train",
    token: crypto.randomUUID(),
  };
  const deadline = Date.now() + (opts.waitMs ?? 60_000);
  for (let attempt = 0;; attempt++) {
    if (tryCreate(file, owner)) break;
    const mine = held.get(file);
    if (mine) {
      if (!mine.stopping || Date.now() > deadline) {
        throw new LockError(
          `${abs} is in use by another trainer in this process (${mine.lock.owner.what}, since ${mine.lock.owner.started}); ` +
            `stop it first (interrupt its cell, or pass it a signal) or save elsewhere`,
          mine.lock.owner,
        );
      }
      opts.log?.(`[INFO] ${abs}: waiting for the stopping trainer in this process to finish its save`);
      await Promise.race([
        mine.released,
        new Promise((r) => setTimeout(r, Math.max(0, deadline - Date.now()))),
      ]);
      continue;
    }
    const other = readLock(file);
    if (!other) {
      // Being written by another process this instant, or damaged: look again, then treat as stale.
      if (attempt < 5) {
        await new Promise((r) => setTimeout(r, 50));
        continue;
      }
      opts.log?.(`[WARNING] ${file} was unreadable; replacing it`);
      fs.rmSync(file, { force: true });
      continue;
    }
    const state = ownerState(other);
    if (state === "dead") {
      opts.log?.(
        `[INFO] ${abs}: taking over a stale lock of ${describeOwner(other)}, which is no longer running`,
      );
      // Only remove the file if it still is that stale lock (another process may be taking it over too).
      if (readLock(file)?.token === other.token) fs.rmSync(file, { force: true });
      continue;
    }
    const where = state === "unknown"
      ? `; seglab cannot check a process on another host — if that run is over, delete ${file}`
      : "; stop that run first, or save elsewhere";
    throw new LockError(`${abs} is in use by ${describeOwner(other)}${where}`, other);
  }
  installExitHook();
  let done!: () => void;
  const released = new Promise<void>((r) => (done = r));
  const lock: SaveLock = {
    dir: abs,
    file,
    owner,
    stopping() {
      const h = held.get(file);
      if (h?.lock === lock) h.stopping = true;
    },
    release() {
      const h = held.get(file);
      if (h?.lock !== lock) return;
      held.delete(file);
      try {
        if (readLock(file)?.token === owner.token) fs.rmSync(file, { force: true });
      } catch { /* gone */ }
      done();
    },
  };
  held.set(file, { lock, stopping: false, released, done });
  return lock;
}
