/**
 * The launcher as users start it: `npm run train -- …` (npm → sh → node bin/seglab.mjs → Deno).
 * Signals go to the outermost process (npm), as a process manager, CI runner or `kill` sends
 * them; training must stop, save the iteration it reached, exit 128 + the signal's number, and
 * leave no Deno process behind.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { callerCwd, entryFor } from "../../bin/seglab.mjs";
import { shippedDataPath } from "../../datasets/mod.ts";
import { listCheckpoints } from "../../lib/train/checkpoint.ts";

const ROOT = path.resolve(new URL("../..", import.meta.url).pathname);
const E2E = { sanitizeOps: false, sanitizeResources: false };

const CONFIG = (roads: string) => `
batch_size: 2
iters: 100000
train_dataset:
  type: MiniDeepGlobeRoadExtraction
  dataset_root: ${roads}
  transforms:
    - type: RandomPaddingCrop
      crop_size: [16, 16]
    - type: Normalize
  mode: train
model:
  type: UNet
  num_classes: 2
  base_channels: 4
  depth: 2
loss:
  types:
    - type: CrossEntropyLoss
  coef: [1]
`;

/** Pids of `pid`'s descendants whose command is `name` (Linux /proc). */
function descendants(pid: number): { pid: number; comm: string }[] {
  const children = new Map<number, number[]>();
  for (const d of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch { /* gone */ }
  }
  const out: { pid: number; comm: string }[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      try {
        out.push({ pid: c, comm: fs.readFileSync(`/proc/${c}/comm`, "utf8").trim() });
      } catch { /* gone */ }
      walk(c);
    }
  };
  walk(pid);
  return out;
}

function alive(pid: number): boolean {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
    return state !== "Z";
  } catch {
    return false;
  }
}

/**
 * Starts `npm run train`, waits for training to run, sends `sig` to npm (or its group, or the
 * launcher under it), returns what happened.
 */
async function signalTraining(sig: Deno.Signal, opts: { group?: boolean; launcher?: boolean } = {}) {
  const dir = fs.mkdtempSync("/tmp/seglab-launcher-");
  const cfg = path.join(dir, "cfg.yml");
  fs.writeFileSync(cfg, CONFIG(shippedDataPath("synthetic-roads")));
  const save = path.join(dir, "out");
  const npm = new Deno.Command("npm", {
    args: [
      "run",
      "--silent",
      "train",
      "--",
      "--config",
      cfg,
      "--save_dir",
      save,
      "--log_iters",
      "1",
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
    detached: opts.group, // its own process group, like a terminal's foreground job
  }).spawn();
  let err = "";
  const reading = (async () => {
    for await (const chunk of npm.stderr.pipeThrough(new TextDecoderStream())) err += chunk;
  })();
  const out = new Response(npm.stdout).text();
  try {
    const deadline = Date.now() + 120_000;
    while (!/iter: 2\//.test(err) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.match(err, /iter: 2\//, `training did not start:\n${err}`);
    const deno = descendants(npm.pid).filter((p) => p.comm === "deno");
    assert.equal(deno.length, 1, `one Deno under npm: ${JSON.stringify(descendants(npm.pid))}`);
    const launcher = descendants(npm.pid).find((p) => p.comm === "node");
    Deno.kill(opts.group ? -npm.pid : opts.launcher ? launcher!.pid : npm.pid, sig);
    const status = await npm.status;
    await reading;
    await out;
    // The Deno child must be gone, not re-parented and training on.
    const until = Date.now() + 15000;
    while (alive(deno[0].pid) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    return { status, err, denoAlive: alive(deno[0].pid), save, dir };
  } catch (e) {
    try {
      Deno.kill(-npm.pid, "SIGKILL");
    } catch { /* gone */ }
    throw e;
  }
}

for (const sig of ["SIGINT", "SIGTERM"] as const) {
  Deno.test({
    ...E2E,
    name: `launcher: ${sig} to npm's process stops \`npm run train\`, saves iter_<N>, exits ${
      sig === "SIGINT" ? 130 : 143
    }, and leaves no Deno`,
    async fn() {
      const r = await signalTraining(sig);
      try {
        assert.equal(r.denoAlive, false, "the Deno child is gone");
        const m = new RegExp(`train: stopped \\(${sig}\\) at iteration (\\d+) of 100000; saved (\\S+)`).exec(
          r.err,
        );
        assert.ok(m, r.err.slice(-2000));
        const iter = Number(m[1]);
        assert.ok(iter >= 2);
        assert.deepEqual(listCheckpoints(r.save).map((c) => c.iter), [iter]);
        assert.equal(fs.existsSync(path.join(r.save, ".seglab.lock")), false, "the lock is released");
        assert.equal(r.status.code, sig === "SIGINT" ? 130 : 143, `npm's exit: ${JSON.stringify(r.status)}`);
      } finally {
        fs.rmSync(r.dir, { recursive: true, force: true });
      }
    },
  });
}

Deno.test({
  ...E2E,
  name: "launcher: a terminal's Ctrl-C (SIGINT to the whole process group) stops once and saves, not at once",
  async fn() {
    const r = await signalTraining("SIGINT", { group: true });
    try {
      assert.equal(r.denoAlive, false);
      assert.match(r.err, /train: stopped \(SIGINT\) at iteration \d+ of 100000; saved/);
      assert.doesNotMatch(r.err, /stopping now/, "copies of one Ctrl-C count as one");
      assert.equal(listCheckpoints(r.save).length, 1);
    } finally {
      fs.rmSync(r.dir, { recursive: true, force: true });
    }
  },
});

Deno.test("launcher: subcommands map to their entry points; the runner is found where it is", () => {
  assert.deepEqual(entryFor(["train", "--config", "x"], ROOT), {
    file: path.join(ROOT, "lib/cli/main.ts"),
    args: ["train", "--config", "x"],
  });
  const nb = entryFor(["nb", "run", "a.ipynb"], ROOT);
  assert.ok(fs.existsSync(nb.file!), nb.file);
  assert.match(nb.file!, /(runner|kernel\/run)\/main\.ts$/);
  assert.deepEqual(nb.args, ["run", "a.ipynb"]);
  assert.deepEqual(entryFor(["kernel", "install", "--user"], ROOT), {
    file: path.join(ROOT, "kernel/install.ts"),
    args: ["--user"],
  });
  assert.match(entryFor(["kernel"], ROOT).error!, /seglab kernel install/);
  assert.match(entryFor(["bogus"], ROOT).error!, /unknown command "bogus"/);
});

Deno.test("launcher: Deno runs in the caller's folder — INIT_CWD from an npm script, the package root with --package-cwd", () => {
  const here = Deno.cwd();
  const before = Deno.env.get("INIT_CWD");
  const elsewhere = Deno.makeTempDirSync();
  try {
    Deno.chdir(ROOT); // npm runs scripts in the package root
    Deno.env.set("INIT_CWD", elsewhere); // the folder \`npm run\` was typed in
    assert.equal(callerCwd(), elsewhere);
    assert.equal(callerCwd(true), ROOT, "--package-cwd (the demo's relative paths)");
    Deno.chdir(elsewhere); // \`npx seglab\` from another folder: its own cwd
    Deno.env.set("INIT_CWD", ROOT);
    assert.equal(fs.realpathSync(callerCwd()), fs.realpathSync(elsewhere));
  } finally {
    Deno.chdir(here);
    if (before === undefined) Deno.env.delete("INIT_CWD");
    else Deno.env.set("INIT_CWD", before);
    Deno.removeSync(elsewhere);
  }
});

Deno.test({
  ...E2E,
  name: "launcher: Deno dies with its parent — SIGKILL to the launcher stops training, which saves and exits",
  async fn() {
    const r = await signalTraining("SIGKILL", { launcher: true });
    try {
      assert.equal(r.denoAlive, false, "the Deno child is gone");
      assert.match(r.err, /train: stopped \(SIGTERM\) at iteration \d+ of 100000; saved/);
      assert.equal(listCheckpoints(r.save).length, 1);
    } finally {
      fs.rmSync(r.dir, { recursive: true, force: true });
    }
  },
});
