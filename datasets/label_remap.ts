/**
 * Turning a label file into class ids, and checking them. Remaps are opt-in (`label_remap` in
 * the data set spec):
 *
 * | `label_remap` | input | result |
 * | --- | --- | --- |
 * | (none) | single-channel PNG (gray or palette indices) | values as stored (Pillow's `np.asarray`) |
 * | `deepglobe` or `{type: threshold, threshold: 128}` | raw DeepGlobe masks, 0/255, gray or RGB | `≥ threshold → 1`, else 0 (mean of RGB) |
 * | `cityscapes` | Cityscapes `*_gtFine_labelIds.png` | the 19 trainIds; other ids → `ignore_index` |
 * | `palette` or `{type: palette, palette: [[r,g,b], …], unknown: error\|ignore}` | RGB colour masks | the index of the colour in the palette (default: the data set's) |
 * | `{type: map, map: {7: 0, 8: 1}, default: 255}` | single-channel ids | looked up; unmapped → `default` (`keep` keeps them) |
 *
 * MiniDeepGlobeRoadExtraction's own zip is already 0/1 with 255 ignored: leave it unmapped.
 * @module
 */
import type { RGB } from "../lib/core/palette.ts";
import { CITYSCAPES_LABEL_TO_TRAIN } from "./classes.ts";
import type { Raster } from "./decode/raster.ts";
import type { LabelArray } from "./transforms/sample.ts";

/** A parsed label remap. */
export type LabelRemap =
  | { type: "none" }
  | { type: "threshold"; threshold: number }
  | { type: "cityscapes" }
  | { type: "palette"; palette: RGB[] | null; unknown: "error" | "ignore" }
  | { type: "map"; map: Map<number, number>; default: number | "keep" };

/** Parses `label_remap` from a spec; throws with the accepted forms on anything else. */
export function parseLabelRemap(v: unknown): LabelRemap {
  const bad = (why: string): never => {
    throw new Error(
      `label_remap: ${why}; use deepglobe, cityscapes, palette, {type: threshold, threshold: 128}, ` +
        `{type: palette, palette: [[r, g, b], …], unknown: error|ignore} or {type: map, map: {id: class}, default: 255|keep}`,
    );
  };
  if (v === undefined || v === null || v === "none") return { type: "none" };
  if (v === "deepglobe" || v === "threshold") return { type: "threshold", threshold: 128 };
  if (v === "cityscapes") return { type: "cityscapes" };
  if (v === "palette") return { type: "palette", palette: null, unknown: "error" };
  if (typeof v !== "object" || Array.isArray(v)) return bad(`unknown value ${JSON.stringify(v)}`);
  const o = v as Record<string, unknown>;
  const allowed: Record<string, string[]> = {
    threshold: ["type", "threshold"],
    deepglobe: ["type", "threshold"],
    cityscapes: ["type"],
    palette: ["type", "palette", "unknown"],
    map: ["type", "map", "default"],
  };
  const keys = allowed[String(o.type)];
  if (!keys) return bad(`unknown type ${JSON.stringify(o.type)}`);
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) {
      bad(`"${k}" is not a parameter of ${o.type} (it takes ${keys.slice(1).join(", ") || "none"})`);
    }
  }
  if (o.type === "threshold" || o.type === "deepglobe") {
    const t = o.threshold ?? 128;
    if (typeof t !== "number" || !(t > 0 && t <= 255)) {
      bad(`threshold must be a number in (0, 255], got ${JSON.stringify(t)}`);
    }
    return { type: "threshold", threshold: t as number };
  }
  if (o.type === "cityscapes") return { type: "cityscapes" };
  if (o.type === "palette") {
    const unknown = o.unknown ?? "error";
    if (unknown !== "error" && unknown !== "ignore") bad(`unknown must be error or ignore`);
    let palette: RGB[] | null = null;
    if (o.palette !== undefined) {
      if (!Array.isArray(o.palette) || !o.palette.every(isRgb)) {
        bad("palette must be a list of [r, g, b] (0–255)");
      }
      palette = o.palette as RGB[];
    }
    return { type: "palette", palette, unknown: unknown as "error" | "ignore" };
  }
  const m = o.map;
  if (typeof m !== "object" || m === null || Array.isArray(m)) {
    return bad("map must be a mapping {stored id: class id}");
  }
  const map = new Map<number, number>();
  for (const [k, val] of Object.entries(m as Record<string, unknown>)) {
    if (!/^\d+$/.test(k) || typeof val !== "number" || !Number.isInteger(val) || val < 0) {
      bad(`map entry ${k}: ${JSON.stringify(val)} is not "id: class id"`);
    }
    map.set(Number(k), val as number);
  }
  const d = o.default ?? 255;
  if (d !== "keep" && (typeof d !== "number" || !Number.isInteger(d) || d < 0)) {
    bad(`default must be a class id or keep`);
  }
  return { type: "map", map, default: d as number | "keep" };
}

/** True for `[r, g, b]` with bytes. */
export function isRgb(v: unknown): v is RGB {
  return Array.isArray(v) && v.length === 3 && v.every((x) => Number.isInteger(x) && x >= 0 && x <= 255);
}

function fits8(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] > 255 || a[i] < 0) return false;
  return true;
}

/** Context a remap needs. */
export interface RemapContext {
  ignoreIndex: number;
  /** The data set's palette (for `palette` without its own). */
  palette: readonly RGB[];
}

/** Turns a decoded label file into class ids. Throws plain errors (the caller adds the file). */
export function rasterToLabel(r: Raster, remap: LabelRemap, ctx: RemapContext): LabelArray {
  const n = r.width * r.height, c = r.channels, src = r.data;
  if (r.format === "jpeg" && remap.type !== "threshold") {
    throw new Error(
      "the label is a JPEG: lossy compression changes class ids at edges; store labels as PNG (or use label_remap: deepglobe for 0/255 masks)",
    );
  }
  switch (remap.type) {
    case "none":
    case "cityscapes":
    case "map": {
      if (c !== 1) {
        const what = c === 2 ? "gray+alpha" : c === 3 ? "RGB" : "RGBA";
        throw new Error(
          `the label is ${what} (${c} channels); labels must be single-channel PNGs (gray or palette indices)` +
            (c >= 3 ? ", or set label_remap: palette for colour masks (or deepglobe for 0/255 masks)" : ""),
        );
      }
      if (remap.type === "none") {
        if (src instanceof Uint16Array) return Int32Array.from(src);
        return src as Uint8Array;
      }
      if (remap.type === "cityscapes") {
        const ig = ctx.ignoreIndex;
        const out = ig > 255 ? new Int32Array(n) : new Uint8Array(n);
        for (let p = 0; p < n; p++) out[p] = CITYSCAPES_LABEL_TO_TRAIN[src[p]] ?? ig;
        return out;
      }
      const res = new Int32Array(n);
      for (let p = 0; p < n; p++) {
        const m = remap.map.get(src[p]);
        res[p] = m ?? (remap.default === "keep" ? src[p] : remap.default);
      }
      return fits8(res) ? Uint8Array.from(res) : res;
    }
    case "threshold": {
      const out = new Uint8Array(n);
      const t = remap.threshold, shift = r.depth === 16 ? 8 : 0;
      if (r.palette) {
        const pal = r.palette;
        for (let p = 0; p < n; p++) {
          const e = pal[src[p]] ?? [0, 0, 0];
          out[p] = (e[0] + e[1] + e[2]) / 3 >= t ? 1 : 0;
        }
      } else if (c >= 3) {
        for (let p = 0; p < n; p++) {
          const v = ((src[p * c] >> shift) + (src[p * c + 1] >> shift) + (src[p * c + 2] >> shift)) / 3;
          out[p] = v >= t ? 1 : 0;
        }
      } else for (let p = 0; p < n; p++) out[p] = (src[p * c] >> shift) >= t ? 1 : 0;
      return out;
    }
    case "palette": {
      const pal = remap.palette ?? ctx.palette;
      const index = new Map<number, number>();
      pal.forEach(([R, G, B], k) => {
        const key = (R << 16) | (G << 8) | B;
        if (!index.has(key)) index.set(key, k);
      });
      if (c < 3 && !r.palette) {
        throw new Error(
          `label_remap: palette needs RGB colour masks, but the label has ${c} channel${c > 1 ? "s" : ""}`,
        );
      }
      const res = new Int32Array(n);
      const unknown = new Map<number, number>();
      for (let p = 0; p < n; p++) {
        let key: number;
        if (r.palette) {
          const e = r.palette[src[p]] ?? [0, 0, 0];
          key = (e[0] << 16) | (e[1] << 8) | e[2];
        } else key = (src[p * c] << 16) | (src[p * c + 1] << 8) | src[p * c + 2];
        const k = index.get(key);
        if (k === undefined) {
          unknown.set(key, (unknown.get(key) ?? 0) + 1);
          res[p] = ctx.ignoreIndex;
        } else res[p] = k;
      }
      if (unknown.size && remap.unknown === "error") {
        const list = [...unknown.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5)
          .map(([k, cnt]) => `[${k >> 16}, ${(k >> 8) & 255}, ${k & 255}] (${cnt} px)`);
        throw new Error(
          `${unknown.size} colour${unknown.size > 1 ? "s" : ""} not in the palette: ${list.join(", ")}` +
            `${
              unknown.size > 5 ? ", …" : ""
            }; add them to the palette or set label_remap: {type: palette, unknown: ignore}`,
        );
      }
      return fits8(res) ? Uint8Array.from(res) : res;
    }
  }
}

/**
 * Checks that every value is a class id (< numClasses) or `ignoreIndex`; returns a message
 * naming the offending values, where the first is, and the likely fix — or null.
 */
export function labelProblem(
  label: LabelArray,
  width: number,
  numClasses: number,
  ignoreIndex: number,
): string | null {
  let first = -1;
  const bad = new Map<number, number>();
  for (let p = 0; p < label.length; p++) {
    const v = label[p];
    if (v < numClasses || v === ignoreIndex) continue;
    if (first < 0) first = p;
    bad.set(v, (bad.get(v) ?? 0) + 1);
  }
  if (first < 0) return null;
  const vals = [...bad.keys()].sort((a, b) => a - b);
  const shown = vals.slice(0, 8).map((v) => `${v} (${bad.get(v)} px)`).join(", ") +
    (vals.length > 8 ? ", …" : "");
  let hint = "";
  if (numClasses === 2 && vals.every((v) => v === 255 || v >= 128)) {
    hint = "; raw 0/255 masks? set label_remap: deepglobe";
  } else if (numClasses === 19 && vals.every((v) => v <= 33)) {
    hint = "; Cityscapes labelIds? set label_remap: cityscapes";
  } else hint = "; check num_classes and ignore_index, or map the values with label_remap";
  return `label values ${shown} are neither a class id (0–${
    numClasses - 1
  }) nor ignore_index ${ignoreIndex}; ` +
    `first at x=${first % width}, y=${Math.floor(first / width)}${hint}`;
}
