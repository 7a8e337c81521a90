/**
 * Every shipped palette is readable in masks and overlays: each class colour has at least 3:1
 * contrast (WCAG's ratio of relative luminances) against the mean colour of the image pixels
 * that class covers, over the shipped data (train and val), for the shipped data sets' own
 * palettes and the road loader's default.
 */
import assert from "node:assert/strict";
import { createDataset, shippedDataPath } from "../../datasets/mod.ts";
import { ROAD_PALETTE } from "../../datasets/classes.ts";

function luminance([r, g, b]: readonly number[]): number {
  const lin = (v: number) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two sRGB colours (1 to 21). */
export function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/** The mean image colour under each class, over a data set's train and val samples. */
async function meanColours(name: "synthetic-roads" | "synthetic-city", type: string) {
  const sums = new Map<number, number[]>();
  let palette: readonly (readonly number[])[] = [];
  let names: readonly string[] = [];
  for (const mode of ["train", "val"] as const) {
    const ds = await createDataset({ type, dataset_root: shippedDataPath(name), mode });
    palette = ds.palette;
    names = ds.classNames;
    for (let i = 0; i < ds.length; i++) {
      const r = await ds.getRaw(i);
      for (let p = 0; p < r.label!.length; p++) {
        const k = r.label![p];
        if (k === ds.ignoreIndex) continue;
        const s = sums.get(k) ?? [0, 0, 0, 0];
        for (let c = 0; c < 3; c++) s[c] += r.image[p * r.channels + c];
        s[3]++;
        sums.set(k, s);
      }
    }
  }
  const means = new Map([...sums].map(([k, s]) => [k, s.slice(0, 3).map((v) => v / s[3])]));
  return { palette, names, means };
}

Deno.test("contrastRatio: WCAG's figures for black/white and equal colours", () => {
  assert.equal(contrastRatio([0, 0, 0], [255, 255, 255]), 21);
  assert.equal(contrastRatio([120, 30, 200], [120, 30, 200]), 1);
});

for (
  const [name, type] of [["synthetic-roads", "MiniDeepGlobeRoadExtraction"], [
    "synthetic-city",
    "Cityscapes",
  ]] as const
) {
  Deno.test(`palette contrast: every ${name} class colour stands out 3:1 from the pixels it covers`, async () => {
    const { palette, names, means } = await meanColours(name, type);
    const low: string[] = [];
    for (const [k, mean] of means) {
      const r = contrastRatio(palette[k], mean);
      if (r < 3) {
        low.push(`${names[k]}: [${palette[k]}] on mean [${mean.map(Math.round)}] is ${r.toFixed(2)}:1`);
      }
    }
    assert.equal(means.size, names.length, "every class occurs in the shipped data");
    assert.deepEqual(low, []);
    if (name === "synthetic-roads") {
      assert.deepEqual(palette, ROAD_PALETTE, "the shipped roads carry the loader's default palette");
      assert.ok(contrastRatio(ROAD_PALETTE[1], means.get(1)!) >= 3);
    }
  });
}
