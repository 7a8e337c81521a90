/**
 * `synthetic-city`: 256×128 street scenes in Cityscapes' layout
 * (`leftImg8bit/{train,val}/<city>/<name>_leftImg8bit.png`,
 * `gtFine/{train,val}/<city>/<name>_gtFine_labelTrainIds.png`), 8 classes with Cityscapes'
 * names and colours — road, sidewalk, building, vegetation, sky, car, and two rare ones,
 * person and traffic sign (1.3% and 0.4% of pixels) — plus ignored pixels (255: sign
 * poles and the ego vehicle's bonnet, as in Cityscapes). Classes differ in colour and texture so
 * a small model learns them in minutes; `dataset.json` carries the names and palette, and
 * `train.txt` / `val.txt` list the pairs as PaddleSeg's `create_dataset_list.py` writes them.
 * @module
 */
import { encode } from "fast-png";
import { rngFor } from "../rng.ts";
import { blendPixel, type Canvas, newCanvas, toBytes, valueNoise } from "./canvas.ts";

/** The synthetic city's classes (trainIds 0–7). */
export const CITY_CLASSES = [
  "road",
  "sidewalk",
  "building",
  "vegetation",
  "sky",
  "car",
  "person",
  "traffic sign",
] as const;
/**
 * Their colours for masks and overlays. Not Cityscapes' official ones: those are close in
 * brightness to what they cover here (road [128, 64, 128] on dark asphalt, 1.1:1), so each class
 * gets a colour with at least 3:1 contrast against the mean colour of its pixels (checked by
 * test/datasets/palette_contrast_test.ts); hues stay near Cityscapes' where they can.
 */
export const CITY_PALETTE: [number, number, number][] = [
  [230, 190, 255], // road: light violet on dark asphalt
  [120, 0, 110], // sidewalk: dark magenta on light paving
  [245, 235, 200], // building: cream on mid-grey walls
  [170, 255, 120], // vegetation: light green on dark foliage
  [0, 30, 120], // sky: dark blue on light sky
  [120, 220, 255], // car: light cyan on dark cars
  [255, 150, 150], // person: light red on dark clothes
  [90, 50, 0], // traffic sign: dark brown on yellow signs
];
const [ROAD, SIDEWALK, BUILDING, VEGETATION, SKY, CAR, PERSON, SIGN] = [0, 1, 2, 3, 4, 5, 6, 7];
const IGNORE = 255;

function rect(
  cv: Canvas,
  x0: number,
  y0: number,
  x1: number,
  y1: number,
  color: (x: number, y: number) => number[],
  label: number | null,
): void {
  for (let y = Math.max(0, Math.floor(y0)); y < Math.min(cv.height, Math.ceil(y1)); y++) {
    for (let x = Math.max(0, Math.floor(x0)); x < Math.min(cv.width, Math.ceil(x1)); x++) {
      const p = y * cv.width + x;
      const c = color(x, y);
      cv.rgb[p * 3] = c[0];
      cv.rgb[p * 3 + 1] = c[1];
      cv.rgb[p * 3 + 2] = c[2];
      if (label !== null) cv.label[p] = label;
    }
  }
}

function ellipse(
  cv: Canvas,
  cx: number,
  cy: number,
  rx: number,
  ry: number,
  color: (x: number, y: number) => number[],
  label: number | null,
): void {
  for (let y = Math.max(0, Math.floor(cy - ry)); y <= Math.min(cv.height - 1, Math.ceil(cy + ry)); y++) {
    for (let x = Math.max(0, Math.floor(cx - rx)); x <= Math.min(cv.width - 1, Math.ceil(cx + rx)); x++) {
      const d = ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2;
      if (d > 1) continue;
      const p = y * cv.width + x;
      const c = color(x, y);
      cv.rgb.set(c, p * 3);
      if (label !== null) cv.label[p] = label;
    }
  }
}

/** One scene: RGB bytes and its trainId label map. */
export interface CityScene {
  rgb: Uint8Array;
  label: Uint8Array;
  width: number;
  height: number;
}

/** Renders scene `index` of the set seeded by `seed`. */
export function renderCityScene(seed: number, index: number, W = 256, H = 128): CityScene {
  const rng = rngFor(seed, index);
  const cv = newCanvas(W, H);
  const tex = valueNoise(rng, W, H, 3), big = valueNoise(rng, W, H, 16);
  const horizon = Math.round(rng.uniform(0.34, 0.46) * H); // where buildings meet the sidewalk
  const curb = horizon + Math.round(rng.uniform(0.08, 0.13) * H); // sidewalk → road
  // Sky: smooth blue gradient.
  rect(cv, 0, 0, W, horizon, (x, y) => {
    const t = y / H;
    return [120 + 70 * t + 10 * big[y * W + x], 165 + 45 * t, 215 + 20 * t];
  }, SKY);
  // Buildings: blocks of varying height, facade colour and window grid.
  let x = -rng.int(20);
  while (x < W) {
    const bw = 24 + rng.int(40), top = Math.round(rng.uniform(0.05, 0.3) * H);
    const base = [[150, 140, 128], [128, 92, 80], [110, 110, 115], [170, 160, 140]][rng.int(4)];
    const win = 3 + rng.int(3), gap = 3 + rng.int(3);
    rect(cv, x, top, x + bw, horizon, (px, py) => {
      const inWin = (px - x) % (win + gap) >= gap && (py - top) % (win + gap + 1) >= gap + 1 &&
        py < horizon - 4;
      const n = (tex[py * W + px] - 0.5) * 10;
      return inWin ? [50 + n, 60 + n, 75 + n] : [base[0] + n, base[1] + n, base[2] + n];
    }, BUILDING);
    x += bw;
  }
  // Vegetation: tree crowns (noisy green blobs) and low hedges in front of buildings.
  const trees = rng.int(4);
  for (let t = 0; t < trees; t++) {
    const cx = rng.uniform(0, W),
      cy = horizon - rng.uniform(8, 22),
      rx = rng.uniform(10, 22),
      ry = rng.uniform(9, 16);
    ellipse(cv, cx, cy, rx, ry, (px, py) => {
      const n = (tex[py * W + px] - 0.5) * 60;
      return [70 + n * 0.6, 115 + n, 40 + n * 0.5];
    }, VEGETATION);
    rect(cv, cx - 1.5, cy + ry * 0.7, cx + 1.5, horizon, () => [80, 60, 45], VEGETATION); // trunk
  }
  // Sidewalk: pale paving with a tile grid.
  rect(cv, 0, horizon, W, curb, (px, py) => {
    const grid = px % 9 === 0 || (py - horizon) % 5 === 0 ? -18 : 0;
    const n = (tex[py * W + px] - 0.5) * 8;
    return [196 + grid + n, 190 + grid + n, 186 + grid + n];
  }, SIDEWALK);
  // Road: dark asphalt, fine grain, dashed lane marks (still road).
  const lane = curb + Math.round((H - curb) * rng.uniform(0.45, 0.6));
  rect(cv, 0, curb, W, H, (px, py) => {
    const n = (tex[py * W + px] - 0.5) * 14 + (big[py * W + px] - 0.5) * 10;
    const mark = Math.abs(py - lane) <= 1 && px % 24 < 12 ? 150 : 0;
    return [78 + n + mark, 76 + n + mark, 82 + n + mark];
  }, ROAD);
  // Cars: coloured bodies, dark windows and wheels, on the road.
  const cars = rng.int(4);
  for (let c = 0; c < cars; c++) {
    const cw = rng.uniform(34, 56), ch = cw * rng.uniform(0.38, 0.48);
    const bottom = rng.uniform(curb + ch * 0.6, H - 2), left = rng.uniform(-cw / 3, W - cw * 2 / 3);
    const body = [[30, 50, 160], [20, 90, 200], [150, 25, 35], [40, 130, 150], [235, 235, 240]][rng.int(5)];
    rect(cv, left, bottom - ch * 0.62, left + cw, bottom - ch * 0.12, (px, py) => {
      const n = (tex[py * W + px] - 0.5) * 6;
      return [body[0] + n, body[1] + n, body[2] + n];
    }, CAR);
    rect(cv, left + cw * 0.2, bottom - ch, left + cw * 0.78, bottom - ch * 0.6, (px) => {
      const glass = (px - left) % 10 < 1 ? body : [40, 55, 70];
      return glass;
    }, CAR);
    for (const wx of [left + cw * 0.2, left + cw * 0.8]) {
      ellipse(cv, wx, bottom - ch * 0.14, ch * 0.16, ch * 0.16, () => [18, 18, 18], CAR);
    }
  }
  // People (rare): skin head, coloured torso, dark legs, standing on the sidewalk.
  const people = rng.next() < 0.8 ? 1 + rng.int(3) : 0;
  for (let k = 0; k < people; k++) {
    const ph = rng.uniform(24, 34), pw = ph * 0.34;
    const px0 = rng.uniform(2, W - pw - 2), feet = rng.uniform(horizon + 4, curb + 2);
    const shirt = [[215, 30, 60], [240, 90, 20], [200, 40, 160], [230, 60, 60]][rng.int(4)];
    ellipse(cv, px0 + pw / 2, feet - ph + ph * 0.09, pw * 0.32, ph * 0.09, () => [224, 172, 140], PERSON);
    rect(cv, px0, feet - ph * 0.82, px0 + pw, feet - ph * 0.42, () => shirt, PERSON);
    rect(cv, px0 + pw * 0.1, feet - ph * 0.42, px0 + pw * 0.45, feet, () => [35, 35, 50], PERSON);
    rect(cv, px0 + pw * 0.55, feet - ph * 0.42, px0 + pw * 0.9, feet, () => [35, 35, 50], PERSON);
  }
  // Traffic signs (rare): a yellow diamond or a yellow disc with a dark centre on a thin pole (pole ignored).
  const signs = rng.next() < 0.75 ? 1 + rng.int(2) : 0;
  for (let k = 0; k < signs; k++) {
    const sx = rng.uniform(8, W - 8),
      base = rng.uniform(horizon + 2, curb),
      r = rng.uniform(6.5, 9),
      sy = base - rng.uniform(28, 40);
    rect(cv, sx - 1, sy, sx + 1, base, () => [120, 120, 125], IGNORE);
    if (rng.next() < 0.5) {
      for (let y = Math.floor(sy - r); y <= Math.ceil(sy + r); y++) {
        for (let x2 = Math.floor(sx - r); x2 <= Math.ceil(sx + r); x2++) {
          if (y < 0 || y >= H || x2 < 0 || x2 >= W || Math.abs(x2 + 0.5 - sx) + Math.abs(y + 0.5 - sy) > r) {
            continue;
          }
          const p = y * W + x2;
          cv.rgb.set([245, 205, 20], p * 3);
          cv.label[p] = SIGN;
        }
      }
    } else {
      ellipse(cv, sx, sy, r, r, () => [250, 215, 10], SIGN);
      ellipse(cv, sx, sy, r * 0.35, r * 0.35, () => [30, 30, 40], SIGN);
    }
  }
  // Ego vehicle's bonnet at the bottom of some frames: ignored, as in Cityscapes.
  if (rng.next() < 0.35) {
    const top = H - rng.uniform(5, 10);
    for (let y = Math.floor(top); y < H; y++) {
      for (let x2 = 0; x2 < W; x2++) {
        const curve = top + 6 * ((x2 - W / 2) / (W / 2)) ** 2;
        if (y < curve) continue;
        const p = y * W + x2;
        cv.rgb.set([30 + (y - top) * 2, 32, 36], p * 3);
        cv.label[p] = IGNORE;
      }
    }
  }
  // Soft light variation and sensor grain over the whole frame.
  const light = rng.uniform(0.85, 1.15);
  for (let p = 0; p < W * H; p++) {
    const g = rng.uniform(-2, 2);
    blendPixel(cv, p, [0, 0, 0], 0);
    for (let k = 0; k < 3; k++) cv.rgb[p * 3 + k] = cv.rgb[p * 3 + k] * light + g;
  }
  return { rgb: toBytes(cv), label: cv.label, width: W, height: H };
}

/** Options of {@linkcode buildSyntheticCity}. */
export interface CityOptions {
  seed?: number;
  train?: number;
  val?: number;
}

/** The files of the set: relative path → bytes (or text), and per-class pixel shares. */
export function buildSyntheticCity(
  opts: CityOptions = {},
): { files: Map<string, Uint8Array | string>; classFractions: number[] } {
  const seed = opts.seed ?? 2016;
  const files = new Map<string, Uint8Array | string>();
  const counts = new Array(CITY_CLASSES.length).fill(0);
  let total = 0;
  const cities: Record<string, string[]> = { train: ["aachen", "bremen", "zurich"], val: ["frankfurt"] };
  for (
    const [split, n, offset] of [["train", opts.train ?? 48, 0], ["val", opts.val ?? 12, 10000]] as const
  ) {
    const lines: string[] = [];
    for (let i = 0; i < n; i++) {
      const s = renderCityScene(seed, offset + i);
      const city = cities[split][i % cities[split].length];
      const stem = `${city}_${String(i).padStart(6, "0")}_000019`;
      const img = `leftImg8bit/${split}/${city}/${stem}_leftImg8bit.png`;
      const lab = `gtFine/${split}/${city}/${stem}_gtFine_labelTrainIds.png`;
      files.set(
        img,
        encode({ width: s.width, height: s.height, data: s.rgb, channels: 3, depth: 8 }, {
          zlib: { level: 9 },
        }),
      );
      files.set(
        lab,
        encode({ width: s.width, height: s.height, data: s.label, channels: 1, depth: 8 }, {
          zlib: { level: 9 },
        }),
      );
      lines.push(`${img} ${lab}`);
      for (const v of s.label) if (v !== IGNORE) counts[v]++;
      total += s.label.length;
    }
    files.set(`${split}.txt`, lines.join("\n") + "\n");
  }
  files.set(
    "dataset.json",
    JSON.stringify(
      {
        name: "synthetic-city",
        description:
          "Synthetic street scenes in Cityscapes' layout (8 classes, person and traffic sign rare); generated by seglab's datasets/generate/synthetic_city.ts",
        class_names: CITY_CLASSES,
        palette: CITY_PALETTE,
        ignore_index: 255,
      },
      null,
      2,
    ) + "\n",
  );
  return { files, classFractions: counts.map((c) => c / total) };
}
