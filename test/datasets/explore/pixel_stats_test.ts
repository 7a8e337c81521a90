import assert from "node:assert/strict";
import {
  classFrequencyPlot,
  createDataset,
  imbalancePlot,
  overlayGrid,
  pixelStats,
} from "../../../datasets/mod.ts";
import { toMimeBundle } from "../../../lib/display/mod.ts";
import { coordImage, png, tempDir, writeTree } from "../../support/datasets.ts";

/** Two 4×4 images: A has 12 px of class 0, 3 of class 1, 1 ignored; B has 16 px of class 2. */
async function tiny(dir: string) {
  const a = new Uint8Array(16), b = new Uint8Array(16).fill(2);
  a.set([1, 1, 1], 4);
  a[15] = 255;
  await writeTree(dir, {
    "a.png": png(coordImage(4, 4), 4, 4),
    "a_l.png": png(a, 4, 4),
    "b.png": png(coordImage(4, 4), 4, 4),
    "b_l.png": png(b, 4, 4),
    "list.txt": "a.png a_l.png\nb.png b_l.png\n",
  });
  return await createDataset({
    type: "Dataset",
    dataset_root: dir,
    train_path: "list.txt",
    num_classes: 3,
    class_names: ["bg", "thin", "blob"],
  });
}

Deno.test("pixelStats counts per image and per class, ignoring ignore_index", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const st = await pixelStats(await tiny(dir));
    assert.deepEqual(st.totals, { pixels: 32, labelled: 31, ignored: 1, images: 2 });
    const cls = st.classes.objects() as Record<string, number | string>[];
    assert.deepEqual(cls.map((c) => c.pixels), [12, 3, 16]);
    assert.deepEqual(cls.map((c) => c.images), [1, 1, 1]);
    assert.equal(cls[1].fraction, 3 / 31);
    assert.equal(cls[1].mean_fraction_present, 3 / 15);
    const img = st.images.objects() as Record<string, number | string>[];
    assert.deepEqual([img[0].ignored, img[0].classes_present, img[0].dominant, img[0].thin, img[1].blob], [
      1,
      2,
      "bg",
      3,
      16,
    ]);
    assert.equal(st.long.numRows(), 6);
    const text = (await toMimeBundle(st))["text/plain"] as string;
    assert.match(text, /2 images, 32 pixels \(3.13% ignored\)/);
    assert.match(text, /thin/);
  } finally {
    await cleanup();
  }
});

Deno.test("class frequency and imbalance figures and the overlay grid render", async () => {
  const { dir, cleanup } = await tempDir();
  try {
    const ds = await tiny(dir);
    const st = await pixelStats(ds);
    const f = classFrequencyPlot(st), g = imbalancePlot(st, { presentOnly: true });
    for (const fig of [f, g]) {
      for (const name of ["bg", "thin", "blob"]) {
        assert.ok(fig.svg.includes(`>${name}<`), `${fig.text} labels ${name}`);
      }
    }
    assert.ok(f.svg.includes(">9.7%<"), "thin's share 3/31 is labelled");
    const grid = await overlayGrid(ds, { withMask: true, columns: 2, zoom: 2 });
    assert.deepEqual([grid.width, grid.height], [2 * 8 + 4, 2 * 8 + 4]);
    // Overlay of image A at pixel (0, 1) (class 1) is tinted; the mask beside it is class 1's colour.
    const px = (x: number, y: number) =>
      Array.from(grid.rgba.subarray((y * grid.width + x) * 4, (y * grid.width + x) * 4 + 3));
    assert.notDeepEqual(px(0, 2), [0, 1, 7]);
    assert.deepEqual(px(12, 2), ds.palette[1]);
  } finally {
    await cleanup();
  }
});
