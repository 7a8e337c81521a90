/**
 * PaddleSeg's generic `Dataset`: `dataset_root`, a list file per mode (`train_path`,
 * `val_path`, `test_path`) of `image label` lines (or `image|label`), `num_classes`,
 * `ignore_index` (255), `img_channels` (3), `separator` (default: `|` or whitespace, per line),
 * `edge`. Test-mode lines may name only an image.
 *
 * @example
 * ```ts
 * import { createDataset } from "./create_dataset.ts";
 * const ds = await createDataset({
 *   type: "Dataset", dataset_root: "data/optic_disc_seg", num_classes: 2, mode: "train",
 *   train_path: "data/optic_disc_seg/train_list.txt", transforms: [{ type: "Normalize" }],
 * });
 * ```
 * @module
 */
import { type DatasetParts, makeDataset } from "./dataset.ts";
import { COMMON_KEYS, SpecReader } from "./spec.ts";
import type { SegDataset } from "./types.ts";

/** Builds PaddleSeg's generic `Dataset`. */
export async function paddleDataset(spec: Record<string, unknown>, baseDir: string): Promise<SegDataset> {
  const r = new SpecReader("Dataset", spec, baseDir, [
    ...COMMON_KEYS,
    "num_classes",
    "ignore_index",
    "img_channels",
    "train_path",
    "val_path",
    "test_path",
    "separator",
  ]);
  const mode = r.mode(["train", "val", "test"]);
  if (spec.num_classes === undefined) r.fail("num_classes is required");
  const ignoreIndex = r.int("ignore_index", 255)!;
  const separator = r.separator();
  const imgChannels = r.imgChannels();
  const transforms = r.transforms(ignoreIndex);
  const labelRemap = r.labelRemap();
  const edge = r.bool("edge", false);
  const source = await r.source();
  try {
    const key = `${mode}_path`;
    if (spec[key] === undefined) {
      r.fail(`When \`mode\` is "${mode}", \`${key}\` is necessary, but it is not set`);
    }
    const list = await r.listFile(source, key, null, mode !== "test", separator);
    const cls = await r.classes(source, {});
    const parts: DatasetParts = {
      type: "Dataset",
      source,
      entries: list.entries,
      listFile: list.file,
      mode,
      numClasses: cls.numClasses,
      ignoreIndex,
      classNames: cls.names,
      palette: cls.palette,
      imgChannels,
      transforms,
      edge,
      labelRemap,
    };
    return makeDataset(parts);
  } catch (e) {
    source.close();
    throw e;
  }
}
