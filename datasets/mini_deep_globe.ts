/**
 * `MiniDeepGlobeRoadExtraction`: PaddleSeg's road-extraction set (800 train / 200 val tiles
 * from DeepGlobe 2018, roads ≈ 4.5% of pixels). `dataset_root` is its zip or the unzipped
 * folder; `train.txt` / `val.txt` at the root list `image|label` pairs; labels are 0
 * (background) / 1 (road) with 255 ignored. `mode` is `train` or `val`. Raw DeepGlobe masks
 * (0/255, RGB) need `label_remap: deepglobe`; PaddleSeg's own zip does not.
 *
 * @example
 * ```ts
 * import { createDataset, shippedDataPath } from "./mod.ts";
 * const ds = await createDataset({
 *   type: "MiniDeepGlobeRoadExtraction", dataset_root: shippedDataPath("synthetic-roads"), mode: "train",
 *   transforms: [{ type: "RandomPaddingCrop", crop_size: [96, 96] }, { type: "RandomHorizontalFlip" }, { type: "Normalize" }],
 * });
 * ```
 * @module
 */
import { ROAD_CLASSES, ROAD_PALETTE } from "./classes.ts";
import { makeDataset } from "./dataset.ts";
import { COMMON_KEYS, SpecReader } from "./spec.ts";
import type { SegDataset } from "./types.ts";

/** Builds a `MiniDeepGlobeRoadExtraction` data set. */
export async function miniDeepGlobeRoadExtraction(
  spec: Record<string, unknown>,
  baseDir: string,
): Promise<SegDataset> {
  const r = new SpecReader("MiniDeepGlobeRoadExtraction", spec, baseDir, [
    ...COMMON_KEYS,
    "train_path",
    "val_path",
    "separator",
  ]);
  const mode = r.mode(["train", "val"]);
  const ignoreIndex = 255;
  const transforms = r.transforms(ignoreIndex);
  const labelRemap = r.labelRemap();
  const edge = r.bool("edge", false);
  const separator = r.separator();
  const source = await r.source();
  try {
    const list = await r.listFile(source, `${mode}_path`, `${mode}.txt`, true, separator);
    const cls = await r.classes(source, { numClasses: 2, names: ROAD_CLASSES, palette: ROAD_PALETTE });
    if (cls.numClasses !== 2) {
      r.fail(`the road set has 2 classes (background, road), but ${cls.numClasses} were given`);
    }
    return makeDataset({
      type: "MiniDeepGlobeRoadExtraction",
      source,
      entries: list.entries,
      listFile: list.file,
      mode,
      numClasses: 2,
      ignoreIndex,
      classNames: cls.names,
      palette: cls.palette,
      imgChannels: 3,
      transforms,
      edge,
      labelRemap,
    });
  } catch (e) {
    source.close();
    throw e;
  }
}
