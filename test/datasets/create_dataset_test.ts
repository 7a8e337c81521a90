import assert from "node:assert/strict";
import { createDataset, shippedDataPath } from "../../datasets/mod.ts";
import { maskToBinaryEdge } from "../../datasets/edge.ts";
import { openZip } from "../../datasets/zip_source.ts";
import type { SegDataset } from "../../datasets/mod.ts";
import {
  assertSameArray,
  assertSameSample,
  coordImage,
  jpg,
  png,
  roadFolder,
  tempDir,
  writeTree,
} from "../support/datasets.ts";

const ROADS = shippedDataPath("synthetic-roads"), CITY = shippedDataPath("synthetic-city");

/** Reads every sample raw; returns per-class pixel counts and sizes seen. */
async function readAll(ds: SegDataset): Promise<{ counts: Map<number, number>; sizes: Set<string> }> {
  const counts = new Map<number, number>(), sizes = new Set<string>();
  for (let i = 0; i < ds.length; i++) {
    const r = await ds.getRaw(i);
    assert.equal(r.image.length, r.width * r.height * 3, r.name);
    assert.ok(r.label, r.name);
    for (const v of r.label!) counts.set(v, (counts.get(v) ?? 0) + 1);
    sizes.add(`${r.width}x${r.height}`);
  }
  return { counts, sizes };
}

Deno.test("synthetic-roads reads through MiniDeepGlobeRoadExtraction and the generic Dataset: every sample, roads 4–5%", async () => {
  let all = 0, road = 0;
  for (const mode of ["train", "val"] as const) {
    const ds = await createDataset({ type: "MiniDeepGlobeRoadExtraction", dataset_root: ROADS, mode });
    assert.equal(ds.length, mode === "train" ? 160 : 40);
    assert.deepEqual([ds.numClasses, ds.ignoreIndex, ds.classNames], [2, 255, ["background", "road"]]);
    const { counts, sizes } = await readAll(ds);
    assert.deepEqual([...sizes], ["128x128"]);
    assert.deepEqual([...counts.keys()].sort((a, b) => a - b), [0, 1, 255]);
    all += [...counts.values()].reduce((a, b) => a + b);
    road += counts.get(1)!;
  }
  assert.ok(road / all > 0.04 && road / all < 0.05, `road share ${road / all}`);
  const generic = await createDataset({
    type: "Dataset",
    dataset_root: ROADS,
    train_path: "train.txt",
    num_classes: 2,
    mode: "train",
  });
  assert.equal(generic.length, 160);
  const a = await generic.getRaw(7),
    b = await (await createDataset({ type: "MiniDeepGlobeRoadExtraction", dataset_root: ROADS })).getRaw(7);
  assertSameSample(a, b);
});

Deno.test("synthetic-city reads through Cityscapes (folder scan and its list files) and the generic Dataset", async () => {
  const scan = await createDataset({ type: "Cityscapes", dataset_root: CITY, mode: "train" });
  assert.equal(scan.length, 48);
  assert.deepEqual(scan.classNames, [
    "road",
    "sidewalk",
    "building",
    "vegetation",
    "sky",
    "car",
    "person",
    "traffic sign",
  ]);
  assert.deepEqual(scan.palette[0], [230, 190, 255], "dataset.json's palette, not Cityscapes' default");
  const { counts, sizes } = await readAll(scan);
  assert.deepEqual([...sizes], ["256x128"]);
  const total = [...counts.values()].reduce((a, b) => a + b);
  for (let k = 0; k < 8; k++) assert.ok((counts.get(k) ?? 0) > 0, `class ${k} present`);
  for (const rare of [6, 7]) assert.ok(counts.get(rare)! / total < 0.015, `class ${rare} is rare`);
  assert.ok(counts.get(255)! > 0, "has ignored pixels");
  const val = await createDataset({ type: "Cityscapes", dataset_root: CITY, mode: "val" });
  assert.equal((await readAll(val)).sizes.size, 1);
  const listed = await createDataset({
    type: "Cityscapes",
    dataset_root: CITY,
    mode: "train",
    train_path: "train.txt",
  });
  const generic = await createDataset({
    type: "Dataset",
    dataset_root: CITY,
    train_path: "train.txt",
    num_classes: 8,
  });
  const byName = new Map<string, number>();
  for (let i = 0; i < scan.length; i++) byName.set((await scan.getRaw(i)).name, i);
  for (const ds of [listed, generic]) {
    assert.equal(ds.length, 48);
    for (const i of [0, 5, 47]) {
      const r = await ds.getRaw(i);
      assertSameSample(r, await scan.getRaw(byName.get(r.name)!));
    }
  }
  assert.deepEqual(
    generic.classNames,
    scan.classNames,
    "dataset.json's names travel with the generic loader too",
  );
});

Deno.test("a zip and its unzipped folder give the same samples; edges follow PaddleSeg after the transforms", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const z = await openZip(ROADS);
    const files: Record<string, Uint8Array> = {};
    for (const rel of await z.list("")) files[rel] = await z.read(rel);
    await writeTree(dir, files);
    const spec = {
      type: "MiniDeepGlobeRoadExtraction",
      mode: "val",
      edge: true,
      transforms: [{ type: "RandomPaddingCrop", crop_size: [64, 64] }, { type: "Normalize" }],
    };
    const fromZip = await createDataset({ ...spec, dataset_root: ROADS });
    const fromDir = await createDataset({ ...spec, dataset_root: dir });
    const a = await fromZip.get(3, { seed: 4, epoch: 2 }), b = await fromDir.get(3, { seed: 4, epoch: 2 });
    assertSameSample(a, b);
    assertSameArray(a.edge, maskToBinaryEdge(a.label, 64, 64, 2, 2), "edge");
    assert.ok(a.image.every((v) => v >= -1 && v <= 1));
  } finally {
    await cleanup();
  }
});

Deno.test("relative paths resolve against baseDir; test-mode lines without labels give all-ignore labels", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    await roadFolder(`${dir}/data`);
    await writeTree(dir, { "lists/test.txt": "img/0_sat.png\nimg/1_sat.png\n" });
    const ds = await createDataset({
      type: "Dataset",
      dataset_root: "data",
      test_path: "lists/test.txt",
      num_classes: 2,
      mode: "test",
    }, { baseDir: dir });
    assert.equal(ds.length, 2);
    const s = await ds.get(1);
    assert.ok(s.label.every((v) => v === 255));
    assert.equal((await ds.getRaw(1)).label, null);
    assert.equal(s.name, "img/1_sat.png");
  } finally {
    await cleanup();
  }
});

Deno.test("Cityscapes raw labelIds with label_remap: cityscapes; without it, a hint", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const ids = Uint8Array.from({ length: 8 * 4 }, (_, i) => i); // labelIds 0..31
    await writeTree(dir, {
      "leftImg8bit/train/aachen/a_000000_000019_leftImg8bit.png": png(coordImage(8, 4), 8, 4),
      "gtFine/train/aachen/a_000000_000019_gtFine_labelIds.png": png(ids, 8, 4),
    });
    const ds = await createDataset({ type: "Cityscapes", dataset_root: dir, label_remap: "cityscapes" });
    const label = (await ds.getRaw(0)).label!;
    assert.equal(ds.numClasses, 19);
    assert.deepEqual([label[7], label[8], label[11], label[26], label[31], label[0], label[9]], [
      0,
      1,
      2,
      13,
      16,
      255,
      255,
    ]);
    await assert.rejects(
      () => createDataset({ type: "Cityscapes", dataset_root: dir }),
      /labelTrainIds.png: label file not found .*set label_remap: cityscapes/,
    );
  } finally {
    await cleanup();
  }
});

Deno.test("bad input: each error names the file and the list line", async (t) => {
  const { dir, cleanup } = await tempDir();
  const spec = (extra: Record<string, unknown> = {}) => ({
    type: "MiniDeepGlobeRoadExtraction",
    dataset_root: dir,
    ...extra,
  });
  try {
    await roadFolder(dir, 3);
    await t.step("missing image", async () => {
      await Deno.writeTextFile(
        `${dir}/train.txt`,
        "img/0_sat.png|img/0_mask.png\nimg/9_sat.png|img/0_mask.png\n",
      );
      await assert.rejects(() => createDataset(spec()), (e: Error) => {
        assert.equal(e.message, `${dir}/img/9_sat.png (${dir}/train.txt line 2): image file not found`);
        return true;
      });
    });
    await t.step("missing label", async () => {
      await Deno.writeTextFile(`${dir}/train.txt`, "img/0_sat.png|img/8_mask.png\n");
      await assert.rejects(
        () => createDataset(spec()),
        new RegExp(`img/8_mask.png \\(${dir}/train.txt line 1\\): label file not found`),
      );
    });
    await t.step("image/label size mismatch", async () => {
      await writeTree(dir, {
        "img/small_mask.png": png(new Uint8Array(8 * 8), 8, 8),
        "train.txt": "img/0_sat.png|img/0_mask.png\nimg/1_sat.png|img/small_mask.png\n",
      });
      const ds = await createDataset(spec());
      await assert.rejects(
        () => ds.get(1),
        new RegExp(
          `img/small_mask.png \\(${dir}/train.txt line 2\\): the label is 8×8 but its image .*img/1_sat.png is 16×16`,
        ),
      );
    });
    await t.step("label value neither a class nor ignore_index", async () => {
      const lab = new Uint8Array(16 * 16);
      lab[3 * 16 + 5] = 7;
      await writeTree(dir, {
        "img/bad_mask.png": png(lab, 16, 16),
        "train.txt": "img/0_sat.png|img/bad_mask.png\n",
      });
      const ds = await createDataset(spec());
      await assert.rejects(
        () => ds.getRaw(0),
        new RegExp(
          `img/bad_mask.png \\(${dir}/train.txt line 1\\): label values 7 \\(1 px\\) are neither a class id \\(0–1\\) nor ignore_index 255; first at x=5, y=3`,
        ),
      );
    });
    await t.step("truncated PNG and corrupt JPEG", async () => {
      const good = png(coordImage(16, 16), 16, 16);
      const j = jpg(coordImage(16, 16), 16, 16);
      const bad = j.slice();
      bad.fill(0x13, 200, 260);
      await writeTree(dir, {
        "img/trunc.png": good.slice(0, good.length - 40),
        "img/bad.jpg": j.slice(0, j.length / 2),
        "train.txt": "img/trunc.png|img/0_mask.png\nimg/bad.jpg|img/0_mask.png\n",
      });
      const ds = await createDataset(spec());
      await assert.rejects(
        () => ds.get(0),
        new RegExp(`img/trunc.png \\(${dir}/train.txt line 1\\): cannot decode the image: truncated`),
      );
      await assert.rejects(
        () => ds.get(1),
        new RegExp(
          `img/bad.jpg \\(${dir}/train.txt line 2\\): cannot decode the image: (corrupt or truncated JPEG|truncated JPEG)`,
        ),
      );
    });
    await t.step("empty list file", async () => {
      await Deno.writeTextFile(`${dir}/train.txt`, "\n  \n");
      await assert.rejects(
        () => createDataset(spec()),
        new RegExp(`^DatasetError: ${dir}/train.txt: the list file is empty`),
      );
    });
    await t.step("spec errors: type, keys, mode, root, num_classes, list path", async () => {
      await assert.rejects(
        () => createDataset({ type: "ADE20K" }),
        /unknown data set type "ADE20K"; known types: Dataset, Cityscapes, MiniDeepGlobeRoadExtraction/,
      );
      await assert.rejects(
        () => createDataset(spec({ crop: 3 })),
        /MiniDeepGlobeRoadExtraction: unknown key "crop"; MiniDeepGlobeRoadExtraction accepts dataset_root, transforms, mode/,
      );
      await assert.rejects(
        () => createDataset(spec({ mode: "test" })),
        /`mode` should be 'train' or 'val', but got "test"/,
      );
      await assert.rejects(
        () => createDataset({ type: "MiniDeepGlobeRoadExtraction" }),
        /dataset_root is required .*seglab downloads nothing/,
      );
      await assert.rejects(
        () => createDataset({ type: "Dataset", dataset_root: dir, train_path: "train.txt" }),
        /Dataset: num_classes is required/,
      );
      await assert.rejects(
        () => createDataset({ type: "Dataset", dataset_root: dir, num_classes: 2, train_path: "nope.txt" }),
        /list file train_path not found \(looked for .*nope.txt and .*nope.txt\)/,
      );
      await assert.rejects(
        () =>
          createDataset({ type: "Dataset", dataset_root: `${dir}/nowhere`, num_classes: 2, train_path: "x" }),
        /nowhere: dataset_root does not exist/,
      );
    });
  } finally {
    await cleanup();
  }
});
