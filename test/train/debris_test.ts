import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { cleanDebris, findDebris, parseDebris } from "../../lib/train/debris.ts";
import { listCheckpoints } from "../../lib/train/checkpoint.ts";

const SAVER = new URL("../support/save_forever.ts", import.meta.url).pathname;

/** Starts the saver and kills it with SIGKILL as soon as a partial write is visible. */
async function killMidSave(dir: string, kind: "tmp" | "old"): Promise<string[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", SAVER, dir],
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  const deadline = Date.now() + 120_000;
  try {
    while (Date.now() < deadline) {
      const seen = findDebris(dir).filter((n) => parseDebris(n)!.kind === kind);
      if (seen.length) {
        child.kill("SIGKILL");
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  } finally {
    const status = await child.status;
    assert.equal(status.signal, "SIGKILL", "the saver was killed mid-write");
  }
  return findDebris(dir);
}

Deno.test("kill -9 during a checkpoint write: leftovers are never checkpoints and the next start removes them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "seglab-debris-" });
  try {
    const left = await killMidSave(dir, "tmp");
    assert.ok(left.some((n) => n.startsWith(".iter_")), `partial folders left: ${left}`);
    for (const c of listCheckpoints(dir)) assert.match(path.basename(c.dir), /^iter_\d+$/);
    const lines: string[] = [];
    const r = cleanDebris(dir, (l) => lines.push(l));
    assert.deepEqual(
      r.removed.sort(),
      left.filter((n) => !r.restored.includes(parseDebris(n)!.target)).sort(),
    );
    assert.deepEqual(findDebris(dir), []);
    assert.match(lines.join("\n"), /cleaned up after an interrupted checkpoint write/);
    // What is left are complete checkpoints only.
    for (const c of listCheckpoints(dir)) assert.ok(fs.existsSync(path.join(c.dir, "model.weights.bin")));
    assert.deepEqual(cleanDebris(dir), { removed: [], restored: [] }, "nothing left the second time");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a crash between the two renames of a replacing write: the old copy is restored", () => {
  const dir = Deno.makeTempDirSync({ prefix: "seglab-debris-" });
  try {
    const old = path.join(dir, ".iter_4.old-123-abc");
    fs.mkdirSync(old);
    fs.writeFileSync(path.join(old, "train_state.json"), "{}");
    const tmp = path.join(dir, ".iter_4.tmp-123-abd");
    fs.mkdirSync(tmp);
    fs.writeFileSync(path.join(tmp, "model.weights.bin"), "partial");
    const r = cleanDebris(dir);
    assert.deepEqual(r.restored, ["iter_4"]);
    assert.deepEqual(r.removed, [".iter_4.tmp-123-abd"]);
    assert.ok(fs.existsSync(path.join(dir, "iter_4", "train_state.json")));
    assert.deepEqual(listCheckpoints(dir).map((c) => c.iter), [4]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
