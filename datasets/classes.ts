/**
 * Class names and colours that travel with data sets: Cityscapes' 19 training classes with
 * their official colours and the official `labelId → trainId` table (cityscapesScripts'
 * `labels.py`), and the two road-extraction classes.
 * @module
 */
import type { RGB } from "../lib/core/palette.ts";

/** Cityscapes' 19 evaluation classes, in trainId order. */
export const CITYSCAPES_CLASSES: readonly string[] = [
  "road",
  "sidewalk",
  "building",
  "wall",
  "fence",
  "pole",
  "traffic light",
  "traffic sign",
  "vegetation",
  "terrain",
  "sky",
  "person",
  "rider",
  "car",
  "truck",
  "bus",
  "train",
  "motorcycle",
  "bicycle",
];

/** Cityscapes' official colours, in trainId order. */
export const CITYSCAPES_PALETTE: readonly RGB[] = [
  [128, 64, 128],
  [244, 35, 232],
  [70, 70, 70],
  [102, 102, 156],
  [190, 153, 153],
  [153, 153, 153],
  [250, 170, 30],
  [220, 220, 0],
  [107, 142, 35],
  [152, 251, 152],
  [70, 130, 180],
  [220, 20, 60],
  [255, 0, 0],
  [0, 0, 142],
  [0, 0, 70],
  [0, 60, 100],
  [0, 80, 100],
  [0, 0, 230],
  [119, 11, 32],
];

/**
 * `labelId → trainId` for labelIds 0–33 (cityscapesScripts): everything not among the 19
 * classes (unlabeled, ego vehicle, rectification border, out of roi, static, dynamic, ground,
 * parking, rail track, guard rail, bridge, tunnel, polegroup, caravan, trailer) is ignored.
 */
export const CITYSCAPES_LABEL_TO_TRAIN: Readonly<Record<number, number>> = {
  7: 0,
  8: 1,
  11: 2,
  12: 3,
  13: 4,
  17: 5,
  19: 6,
  20: 7,
  21: 8,
  22: 9,
  23: 10,
  24: 11,
  25: 12,
  26: 13,
  27: 14,
  28: 15,
  31: 16,
  32: 17,
  33: 18,
};

/** MiniDeepGlobeRoadExtraction's classes. */
export const ROAD_CLASSES: readonly string[] = ["background", "road"];
/**
 * Black background, crimson roads. DeepGlobe draws roads white in its masks, but white over the
 * light grey of a road is invisible in overlays; crimson has 3:1 contrast against road pixels
 * (checked on the shipped data by test/datasets/palette_contrast_test.ts). Reading DeepGlobe's
 * white masks is the `deepglobe` label remap's job and does not use this palette.
 */
export const ROAD_PALETTE: readonly RGB[] = [[0, 0, 0], [160, 0, 60]];
