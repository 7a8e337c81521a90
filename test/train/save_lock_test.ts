import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LOCK_FILE, LockError, lockSaveDir, readLock } from "../../lib/train/save_lock.ts";

const tmp = () => Deno.makeTempDirSync({ prefix: "seglab-lock-" });

Deno.test("a save folder is locked by its owner; a second lock in this process is refused naming it; release frees it", async () => {
  const dir = tmp();
  try {
    const a = await lockSaveDir(dir, { what: "train" });
    const owner = readLock(path.join(dir, LOCK_FILE))!;
    assert.equal(owner.pid, Deno.pid);
    assert.equal(owner.host, os.hostname());
    assert.ok(Date.parse(owner.started) > 0);
    await assert.rejects(lockSaveDir(dir), (e: Error) => {
      assert.ok(e instanceof LockError);
      assert.match(e.message, /in use by another trainer in this process/);
      return true;
    });
    a.release();
    assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false);
    a.release(); // twice is harmless
    const b = await lockSaveDir(dir);
    b.release();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a stopping trainer's lock is waited for in the same process (re-running an interrupted cell)", async () => {
  const dir = tmp();
  try {
    const a = await lockSaveDir(dir);
    a.stopping();
    setTimeout(() => a.release(), 200);
    const lines: string[] = [];
    const b = await lockSaveDir(dir, { log: (l) => lines.push(l) });
    assert.match(lines.join("\n"), /waiting for the stopping trainer/);
    b.release();
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a lock held by another live process is refused with its pid; a dead owner's lock is taken over with a note", async () => {
  const dir = tmp();
  const sleeper = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    const live = {
      pid: sleeper.pid,
      host: os.hostname(),
      started: "2026-01-01T00:00:00Z",
      what: "train",
      token: "x",
    };
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(live));
    await assert.rejects(lockSaveDir(dir), (e: Error) => {
      assert.ok(e instanceof LockError);
      assert.match(e.message, new RegExp(`in use by pid ${sleeper.pid} on ${os.hostname()} \\(train, since`));
      return true;
    });
    sleeper.kill("SIGKILL");
    await sleeper.status;
    const lines: string[] = [];
    const l = await lockSaveDir(dir, { log: (s) => lines.push(s) });
    assert.match(lines.join("\n"), new RegExp(`taking over a stale lock of pid ${sleeper.pid}`));
    assert.equal(readLock(path.join(dir, LOCK_FILE))!.pid, Deno.pid);
    l.release();
  } finally {
    try {
      sleeper.kill("SIGKILL");
    } catch { /* already dead */ }
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a lock whose pid was reused by a later process is stale; another host's lock is refused", async () => {
  const dir = tmp();
  try {
    const reused = { pid: Deno.ppid, host: os.hostname(), started: "x", procStart: 1, token: "y" };
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(reused));
    const l = await lockSaveDir(dir);
    l.release();
    const remote = { pid: 1234, host: "some-other-host", started: "x", token: "z" };
    fs.writeFileSync(path.join(dir, LOCK_FILE), JSON.stringify(remote));
    await assert.rejects(
      lockSaveDir(dir),
      /pid 1234 on some-other-host.*cannot check a process on another host/,
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a process that exits at once (a second Ctrl-C) still removes its lock", async () => {
  const dir = tmp();
  const lockModule = new URL("../../lib/train/save_lock.ts", import.meta.url).href;
  try {
    for (const exit of ["Deno.exit(130)", "(await import('node:process')).default.exit(143)"]) {
      const code = `import { lockSaveDir } from "${lockModule}";\n` +
        `await lockSaveDir(${JSON.stringify(dir)});\n` +
        `if (!Deno.statSync(${JSON.stringify(path.join(dir, LOCK_FILE))}).isFile) Deno.exit(9);\n${exit};`;
      const out = await new Deno.Command(Deno.execPath(), { args: ["eval", code], stderr: "inherit" })
        .output();
      assert.ok(out.code === 130 || out.code === 143, `exit ${out.code}`);
      assert.equal(fs.existsSync(path.join(dir, LOCK_FILE)), false, `${exit} left the lock`);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
