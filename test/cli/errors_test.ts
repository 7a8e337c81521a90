/**
 * What a command-line user sees for each expected kind of failure: one line naming the problem,
 * no stack trace (`--debug` shows it), and the exit status. Also the data check and skipping of
 * undecodable samples as `--check_data` / `--skip_bad_samples`.
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { ready } from "../../lib/mod.ts";
import { cli } from "./_run_cli.ts";
import { listCheckpoints, LOCK_FILE } from "../../lib/train/mod.ts";
import { roadFolder, zipOf } from "../support/datasets.ts";

await ready("wasm", { quiet: true });

/** The last line printed, and that it is the only line of the error (no stack). */
function errorLine(err: string): string {
  const lines = err.trim().split("\n");
  const last = lines[lines.length - 1];
  assert.doesNotMatch(err, /^\s+at /m, `no stack trace:\n${err}`);
  return last;
}

const CONFIG = (root: string, extra = "") => `
batch_size: 2
iters: 4
train_dataset:
  type: Dataset
  dataset_root: ${root}
  train_path: ${root}/train.txt
  num_classes: 2
  transforms:
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
${extra}`;

/** A folder data set of 6 images with image 3 (list line 4) truncated. */
async function corruptSet(dir: string): Promise<string> {
  const root = path.join(dir, "data");
  await roadFolder(root, 6, 16);
  const bad = path.join(root, "img/3_sat.png");
  fs.writeFileSync(bad, fs.readFileSync(bad).subarray(0, 40));
  return root;
}

Deno.test("CLI errors are one line each: config, data set, decode, zip-slip, checkpoint, lock; --debug adds the stack", async () => {
  const dir = await Deno.makeTempDir({ prefix: "seglab-cli-err-" });
  const sleeper = new Deno.Command("sleep", { args: ["60"] }).spawn();
  try {
    const good = path.join(dir, "good");
    await roadFolder(good, 4, 16);
    // Config: an unknown optimizer.
    const badCfg = path.join(dir, "bad.yml");
    fs.writeFileSync(badCfg, CONFIG(good, "optimizer:\n  type: Sgdd\n"));
    let r = await cli(["train", "--config", badCfg, "--save_dir", path.join(dir, "o1")]);
    assert.equal(r.code, 1);
    assert.match(errorLine(r.err), /^train: .*optimizer.*Sgdd/);

    // Data set: a list file naming a missing image.
    const missing = path.join(dir, "missing");
    await roadFolder(missing, 3, 16);
    fs.rmSync(path.join(missing, "img/1_sat.png"));
    const cfgMissing = path.join(dir, "missing.yml");
    fs.writeFileSync(cfgMissing, CONFIG(missing));
    r = await cli(["train", "--config", cfgMissing, "--save_dir", path.join(dir, "o2")]);
    assert.equal(r.code, 1);
    assert.match(errorLine(r.err), /^train: .*1_sat\.png.*(not found|no such)/i);

    // Decode: a truncated PNG met during training names the iteration, the file and the list line.
    const root = await corruptSet(dir);
    const cfg = path.join(dir, "corrupt.yml");
    fs.writeFileSync(cfg, CONFIG(root, "iters: 20\n").replace("iters: 4\n", ""));
    r = await cli(["train", "--config", cfg, "--save_dir", path.join(dir, "o3"), "--seed", "1"]);
    assert.equal(r.code, 1);
    assert.match(
      errorLine(r.err),
      /^train: iteration \d+: .*3_sat\.png \(.*train\.txt line 4\): cannot decode the image/,
    );
    r = await cli(["train", "--config", cfg, "--save_dir", path.join(dir, "o3"), "--seed", "1", "--debug"]);
    assert.match(r.err, /^\s+at /m, "--debug prints the stack");

    // Zip-slip: an archive with an entry outside its root is refused.
    const zip = path.join(dir, "evil.zip");
    fs.writeFileSync(zip, await zipOf({ "train.txt": "a.png b.png\n", "../evil.png": "x" }));
    const cfgZip = path.join(dir, "zip.yml");
    fs.writeFileSync(cfgZip, CONFIG(zip).replace(`${zip}/train.txt`, "train.txt"));
    r = await cli(["train", "--config", cfgZip, "--save_dir", path.join(dir, "o4")]);
    assert.equal(r.code, 1);
    assert.match(errorLine(r.err), /^train: .*escapes the archive's root/);

    // Checkpoint: not a checkpoint folder.
    r = await cli(["val", "--config", cfgMissing, "--model", path.join(dir, "nothing-here")]);
    assert.equal(r.code, 1);
    assert.match(errorLine(r.err), /^val: .*nothing-here: no such checkpoint/);

    // Lock: a save folder held by another live process.
    const locked = path.join(dir, "locked");
    fs.mkdirSync(locked);
    fs.writeFileSync(
      path.join(locked, LOCK_FILE),
      JSON.stringify({
        pid: sleeper.pid,
        host: os.hostname(),
        started: "2026-12-04T08:00:00Z",
        what: "train",
        token: "t",
      }),
    );
    const cfgGood = path.join(dir, "good.yml");
    fs.writeFileSync(cfgGood, CONFIG(good));
    r = await cli(["train", "--config", cfgGood, "--save_dir", locked, "--resume"]);
    assert.equal(r.code, 1);
    assert.match(
      errorLine(r.err),
      new RegExp(`^train: .*locked is in use by pid ${sleeper.pid} on ${os.hostname()}`),
    );
  } finally {
    sleeper.kill("SIGKILL");
    await sleeper.status;
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("--check_data lists every unreadable sample before training; --skip_bad_samples trains past them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "seglab-cli-check-" });
  try {
    const root = await corruptSet(dir);
    // A second bad file: a label that is not an image.
    fs.writeFileSync(path.join(root, "img/5_mask.png"), "not a png");
    const cfg = path.join(dir, "c.yml");
    fs.writeFileSync(cfg, CONFIG(root));
    const out = path.join(dir, "out");
    let r = await cli(["train", "--config", cfg, "--save_dir", out, "--check_data"]);
    assert.equal(r.code, 1);
    assert.match(r.err, /train_dataset: 2 of 6 samples cannot be read:/);
    assert.match(r.err, /sample 3: .*3_sat\.png \(.*train\.txt line 4\): cannot decode the image/);
    assert.match(r.err, /sample 5: .*5_mask\.png \(.*train\.txt line 6\): cannot decode the label/);
    assert.match(errorLine(r.err), /^train: data check: 2 sample\(s\) of train_dataset cannot be read/);
    assert.deepEqual(listCheckpoints(out), [], "nothing trained");

    r = await cli([
      "train",
      "--config",
      cfg,
      "--save_dir",
      out,
      "--check_data",
      "--skip_bad_samples",
      "--save_interval",
      "4",
    ]);
    assert.equal(r.code, 0, r.err);
    assert.match(r.err, /training without the 2 unreadable sample\(s\) listed above/);
    assert.deepEqual(listCheckpoints(out).map((c) => c.iter), [4]);

    // Without the check, bad samples are skipped as they are met, each named once.
    const out2 = path.join(dir, "out2");
    r = await cli([
      "train",
      "--config",
      cfg,
      "--save_dir",
      out2,
      "--skip_bad_samples",
      "--iters",
      "6",
      "--seed",
      "2",
    ]);
    assert.equal(r.code, 0, r.err);
    const skipped = r.err.split("\n").filter((l) => /skipping an unreadable sample/.test(l));
    assert.ok(skipped.length >= 1 && skipped.length <= 2, r.err);
    assert.equal(new Set(skipped).size, skipped.length, "each bad sample is reported once");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
