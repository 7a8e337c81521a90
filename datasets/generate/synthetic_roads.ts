/**
 * `synthetic-roads`: satellite-like 128×128 tiles in MiniDeepGlobeRoadExtraction's layout —
 * thin curvy roads (≈ 4–5% of pixels, like DeepGlobe's 4.5%) on textured land cover (grass,
 * fields, forest, bare soil), with distractors that are not road (rivers, roofs) and clouds
 * whose pixels are ignored (255). Images `<id>_sat.jpg`, masks `<id>_mask.png` (0/1/255),
 * `train.txt` / `val.txt` with `image|label` lines, zipped in one top-level folder.
 * @module
 */
import jpeg from "jpeg-js";
import { encode } from "fast-png";
import JSZip from "jszip";
import { type Rng, rngFor } from "../rng.ts";
import { ROAD_PALETTE } from "../classes.ts";
import {
  blendPixel,
  type Canvas,
  newCanvas,
  polylineDistance,
  toBytes,
  valueNoise,
  wanderingCurve,
} from "./canvas.ts";

/** Land covers: base colour and texture strength. */
const COVERS: { color: [number, number, number]; grain: number }[] = [
  { color: [88, 122, 62], grain: 14 }, // grass
  { color: [142, 128, 82], grain: 18 }, // dry field
  { color: [46, 74, 44], grain: 22 }, // forest
  { color: [120, 100, 78], grain: 12 }, // bare soil
];

/** One tile: RGB bytes and its 0/1/255 mask. */
export interface RoadTile {
  rgb: Uint8Array;
  mask: Uint8Array;
  width: number;
  height: number;
}

/** Renders tile `index` of the set seeded by `seed`. */
export function renderRoadTile(seed: number, index: number, size = 128): RoadTile {
  const rng = rngFor(seed, index);
  const cv = newCanvas(size, size);
  paintLand(cv, rng);
  // Rivers: wide, dark, blue-green, smooth — road-like shape, not road.
  if (rng.next() < 0.2) {
    const pts = wanderingCurve(rng, size, size, 60, 4, 0.08);
    const w = rng.uniform(5, 8);
    const d = polylineDistance(cv, pts, w);
    for (let p = 0; p < d.length; p++) {
      const a = Math.max(0, Math.min(1, w / 2 + 0.5 - d[p]));
      if (a > 0) blendPixel(cv, p, [38, 62, 78], a);
    }
  }
  // Roofs: small gray-red rectangles (background).
  const roofs = rng.int(6);
  for (let r = 0; r < roofs; r++) {
    const rw = 3 + rng.int(5), rh = 3 + rng.int(5), x0 = rng.int(size - rw), y0 = rng.int(size - rh);
    const col = rng.next() < 0.5 ? [150, 80, 70] : [190, 185, 180];
    for (let y = y0; y < y0 + rh; y++) {
      for (let x = x0; x < x0 + rw; x++) blendPixel(cv, y * size + x, col, 0.9);
    }
  }
  // Roads: 0–3 thin curves, 3–5 px wide, light gray-beige with darker verges.
  const u = rng.next();
  const nRoads = u < 0.06 ? 0 : u < 0.5 ? 1 : u < 0.9 ? 2 : 3;
  for (let r = 0; r < nRoads; r++) {
    const pts = wanderingCurve(rng, size, size, 80, 3, 0.07);
    const w = rng.uniform(3, 5);
    const d = polylineDistance(cv, pts, w + 2);
    const tone = rng.uniform(-15, 15);
    const col = [182 + tone, 176 + tone, 162 + tone];
    for (let p = 0; p < d.length; p++) {
      if (d[p] > w / 2 + 1.5) continue;
      const verge = Math.max(0, Math.min(1, w / 2 + 1.5 - d[p])) * 0.35;
      blendPixel(cv, p, [70, 66, 60], verge);
      const a = Math.max(0, Math.min(1, w / 2 + 0.5 - d[p]));
      if (a > 0) blendPixel(cv, p, col, a);
      if (d[p] <= w / 2) cv.label[p] = 1;
    }
  }
  // Fine grain over everything (sensor noise).
  for (let i = 0; i < cv.rgb.length; i++) cv.rgb[i] += rng.uniform(-4, 4);
  // Clouds: white haze; where it is thick the ground is unknown → ignored.
  if (rng.next() < 0.15) {
    const cloud = valueNoise(rng, size, size, 24);
    const cx = rng.uniform(0, size), cy = rng.uniform(0, size), rad = rng.uniform(14, 26);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const p = y * size + x;
        const fall = 1 - Math.hypot(x - cx, y - cy) / rad;
        const a = Math.max(0, Math.min(1, fall * 1.6 + (cloud[p] - 0.5)));
        if (a <= 0) continue;
        blendPixel(cv, p, [236, 238, 240], a * 0.95);
        if (a > 0.6) cv.label[p] = 255;
      }
    }
  }
  return { rgb: toBytes(cv, true), mask: cv.label, width: size, height: size };
}

function paintLand(cv: Canvas, rng: Rng): void {
  const { width: w, height: h } = cv;
  const region = valueNoise(rng, w, h, 40), region2 = valueNoise(rng, w, h, 28);
  const mid = valueNoise(rng, w, h, 6), fine = valueNoise(rng, w, h, 2);
  const order = rng.shuffle([0, 1, 2, 3]);
  for (let p = 0; p < w * h; p++) {
    const k = order[(region[p] > 0.5 ? 2 : 0) + (region2[p] > 0.5 ? 1 : 0)];
    const c = COVERS[k];
    const t = (mid[p] - 0.5) * c.grain + (fine[p] - 0.5) * c.grain * 0.8;
    cv.rgb[p * 3] = c.color[0] + t;
    cv.rgb[p * 3 + 1] = c.color[1] + t * 1.1;
    cv.rgb[p * 3 + 2] = c.color[2] + t * 0.8;
  }
}

/** Options of {@linkcode buildSyntheticRoads}. */
export interface RoadsOptions {
  seed?: number;
  train?: number;
  val?: number;
  size?: number;
  quality?: number;
}

const FIXED_DATE = new Date(Date.UTC(2024, 0, 1));

/** Builds the whole zip (bytes) and reports the road share. */
export async function buildSyntheticRoads(
  opts: RoadsOptions = {},
): Promise<{ zip: Uint8Array; roadFraction: number; ignoredFraction: number }> {
  const seed = opts.seed ?? 2018, size = opts.size ?? 128, quality = opts.quality ?? 85;
  const zip = new JSZip();
  const top = "synthetic_roads";
  let road = 0, ignored = 0, total = 0;
  const add = (name: string, data: Uint8Array | string, compress: boolean) =>
    zip.file(`${top}/${name}`, data, {
      date: FIXED_DATE,
      compression: compress ? "DEFLATE" : "STORE",
      createFolders: false,
    });
  for (
    const [split, n, offset] of [["train", opts.train ?? 160, 0], ["val", opts.val ?? 40, 100000]] as const
  ) {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const t = renderRoadTile(seed, offset + i, size);
      const id = String(offset + i + 1).padStart(6, "0");
      add(
        `${split}/${id}_sat.jpg`,
        jpeg.encode({ width: size, height: size, data: t.rgb }, quality).data,
        false,
      );
      add(
        `${split}/${id}_mask.png`,
        encode({ width: size, height: size, data: t.mask, channels: 1, depth: 8 }),
        true,
      );
      lines.push(`${split}/${id}_sat.jpg|${split}/${id}_mask.png`);
      for (const v of t.mask) {
        if (v === 1) road++;
        else if (v === 255) ignored++;
      }
      total += t.mask.length;
    }
    add(`${split}.txt`, lines.join("\n") + "\n", true);
  }
  add(
    "dataset.json",
    JSON.stringify(
      {
        name: "synthetic-roads",
        description:
          "Synthetic satellite tiles with thin roads in MiniDeepGlobeRoadExtraction's layout; generated by seglab's datasets/generate/synthetic_roads.ts",
        class_names: ["background", "road"],
        palette: ROAD_PALETTE,
        ignore_index: 255,
      },
      null,
      2,
    ) + "\n",
    true,
  );
  const bytes = await zip.generateAsync({
    type: "uint8array",
    compression: "DEFLATE",
    compressionOptions: { level: 9 },
    platform: "UNIX",
  });
  return { zip: bytes, roadFraction: road / total, ignoredFraction: ignored / total };
}
