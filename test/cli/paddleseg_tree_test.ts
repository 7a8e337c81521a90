/**
 * A PaddleSeg tree runs unchanged: PaddleSeg's two Lovász configs (copied unchanged from
 * PaddleSeg 2.x, Apache-2.0, into `paddleseg_tree/configs/`, with `_base_/cityscapes.yml`) in a
 * temporary tree beside tiny generated `data/MiniDeepGlobeRoadExtraction` and `data/cityscapes`
 * folders, run from the tree's root as PaddleSeg's `tools/train.py` is run, for one iteration:
 * the road config through `deno run -A <seglab>/lib/cli/main.ts train` at its own 768×768 crop
 * (batch 1: OCRNet-HRNet-W18 then fits the wasm heap by recomputing activations), the Cityscapes
 * config through `npx seglab train` with seglab installed into the tree (`npm install <seglab>`).
 */
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { png, writeTree } from "../support/datasets.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const MAIN = new URL("../../lib/cli/main.ts", import.meta.url).pathname;
const CONFIGS = new URL("./paddleseg_tree/configs", import.meta.url).pathname;
const ROAD = "configs/ocrnet/ocrnet_hrnetw18_road_extraction_768x768_15k_lovasz_hinge.yml";
const CITY = "configs/ocrnet/ocrnet_hrnetw18_cityscapes_1024x512_160k_lovasz_softmax.yml";

function image(size: number, seed: number): Uint8Array {
  return new Uint8Array(size * size * 3).map((_, i) => (i * 37 + seed * 101) % 251);
}

/** A PaddleSeg-style tree: its configs, and tiny road and Cityscapes data folders. */
async function makeTree(): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "seglab-paddleseg-tree-" });
  fs.cpSync(CONFIGS, path.join(dir, "configs"), { recursive: true });
  const s = 40;
  const files: Record<string, Uint8Array | string> = {};
  const road = "data/MiniDeepGlobeRoadExtraction";
  const lines = (ids: number[]) => ids.map((i) => `train/${i}_sat.png|train/${i}_mask.png`).join("\n") + "\n";
  for (const i of [0, 1, 2]) {
    files[`${road}/train/${i}_sat.png`] = png(image(s, i), s, s);
    files[`${road}/train/${i}_mask.png`] = png(
      new Uint8Array(s * s).map((_, p) => (p % s === 9 + i ? 1 : 0)),
      s,
      s,
    );
  }
  files[`${road}/train.txt`] = lines([0, 1]);
  files[`${road}/val.txt`] = lines([2]);
  const city = "data/cityscapes";
  for (
    const [mode, town, id] of [["train", "aachen", 0], ["train", "aachen", 1], [
      "val",
      "frankfurt",
      2,
    ]] as const
  ) {
    const stem = `${town}_00000${id}_000019`;
    files[`${city}/leftImg8bit/${mode}/${town}/${stem}_leftImg8bit.png`] = png(image(s, id), s, s);
    files[`${city}/gtFine/${mode}/${town}/${stem}_gtFine_labelTrainIds.png`] = png(
      new Uint8Array(s * s).map((_, p) => (p * 7 + id) % 20 === 19 ? 255 : (p * 7 + id) % 20),
      s,
      s,
    );
  }
  await writeTree(dir, files);
  return dir;
}

async function seglab(
  cwd: string,
  args: string[],
  via: "deno" | "npx" = "deno",
): Promise<{ code: number; err: string; out: string }> {
  const r = await new Deno.Command(via === "deno" ? Deno.execPath() : "npx", {
    args: via === "deno" ? ["run", "-A", MAIN, ...args] : ["--offline", "seglab", ...args],
    cwd,
    env: { SEGLAB_OFFLINE: "1", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/** seglab installed into the tree as a user does from a checkout (a link; nothing downloads). */
async function installSeglab(tree: string): Promise<void> {
  await Deno.writeTextFile(
    path.join(tree, "package.json"),
    JSON.stringify({ name: "paddleseg-tree", private: true }),
  );
  const r = await new Deno.Command("npm", {
    args: ["install", "--offline", "--no-audit", "--no-fund", "--loglevel=error", ROOT],
    cwd: tree,
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(r.code, 0, new TextDecoder().decode(r.stderr));
}

Deno.test("PaddleSeg's Lovász configs run unchanged from a PaddleSeg tree (one iteration; the road config at 768×768)", async () => {
  const tree = await makeTree();
  try {
    const road = await seglab(tree, [
      "train",
      "--config",
      ROAD,
      "--iters",
      "1",
      "--batch_size",
      "1",
      "--num_workers",
      "0",
      "--use_vdl",
    ]);
    assert.equal(road.code, 0, road.err);
    // Paths resolve against the working directory (the tree's root), and the run says so.
    assert.match(road.err, /relative paths resolve against the working directory .*seglab-paddleseg-tree-/);
    // The ImageNet backbone URL cannot be fetched here: one line, then the initialisation.
    assert.equal(road.err.match(/hrnet_w18_ssld\.tar\.gz/g)?.length, 1, road.err);
    // The 2-channel hinge differs from PaddleSeg's: said once, with the switch.
    assert.equal(road.err.match(/paddleseg_compat: true/g)?.length, 1, road.err);
    assert.match(road.err, /VisualDL logging is not available/);
    assert.match(road.err, /OCRNet\(HRNet_W18\), 2 classes/);
    // The config's own crop: it fits the wasm heap at batch 1 by recomputing activations.
    assert.match(road.err, /crop 768×768×1: .*recomputing/);
    assert.match(road.err, /\[TRAIN\] epoch: 1, iter: 1\/1, loss: \d/);
    assert.match(road.err, /\[EVAL\] #Images: 1 mIoU/);
    assert.ok(fs.existsSync(path.join(tree, "output", "best_model")), "checkpoints under the tree's output/");

    await installSeglab(tree);
    const city = await seglab(tree, [
      "train",
      "--config",
      CITY,
      "--iters",
      "1",
      "--batch_size",
      "1",
      "--opts",
      "train_dataset.transforms.1.crop_size=[32, 24]",
      "--save_dir",
      "output_city",
    ], "npx");
    assert.equal(city.code, 0, city.err);
    assert.match(city.err, /OCRNet\(HRNet_W18\), 19 classes/);
    assert.doesNotMatch(city.err, /paddleseg_compat/);
    assert.ok(fs.existsSync(path.join(tree, "output_city", "best_model")), "npx seglab wrote into the tree");

    // A data error prints one line and no stack; --debug shows the stack.
    const bad = await seglab(tree, [
      "train",
      "--config",
      ROAD,
      "--iters",
      "1",
      "--opts",
      "val_dataset.dataset_root=data/nowhere",
    ]);
    assert.equal(bad.code, 1);
    const errLines = bad.err.trim().split("\n").filter((l) => /^train: /.test(l));
    assert.equal(errLines.length, 1, bad.err);
    assert.match(errLines[0], /data\/nowhere/);
    assert.doesNotMatch(bad.err, /^\s+at /m);
    const dbg = await seglab(tree, [
      "train",
      "--config",
      ROAD,
      "--iters",
      "1",
      "--opts",
      "val_dataset.dataset_root=data/nowhere",
      "--debug",
    ]);
    assert.match(dbg.err, /^\s+at /m);
  } finally {
    await Deno.remove(tree, { recursive: true });
  }
});
