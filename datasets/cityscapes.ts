/**
 * `Cityscapes`: `leftImg8bit/{mode}/<city>/<name>_leftImg8bit.png` with
 * `gtFine/{mode}/<city>/<name>_gtFine_labelTrainIds.png` (PaddleSeg's layout, made by
 * cityscapesScripts' `createTrainIdLabelImgs`), 19 classes with the official names and
 * colours, 255 ignored. Pairs are found by name (a missing label is an error naming both
 * files). With `label_remap: cityscapes` the raw `*_gtFine_labelIds.png` are read and mapped to
 * trainIds, so the conversion step is not needed. `train_path` / `val_path` / `test_path` read a
 * list file (`image label` lines, as PaddleSeg's `create_dataset_list.py` writes) instead of
 * the folder scan. A `dataset.json` at the root ({"class_names", "palette"}) overrides the 19
 * classes — the shipped `synthetic-city` uses it.
 * @module
 */
import { CITYSCAPES_CLASSES, CITYSCAPES_PALETTE } from "./classes.ts";
import { makeDataset } from "./dataset.ts";
import { DatasetError } from "./errors.ts";
import type { ListEntry } from "./list_file.ts";
import { COMMON_KEYS, SpecReader } from "./spec.ts";
import type { SegDataset } from "./types.ts";

/** Builds a `Cityscapes` data set. */
export async function cityscapes(spec: Record<string, unknown>, baseDir: string): Promise<SegDataset> {
  const r = new SpecReader("Cityscapes", spec, baseDir, [
    ...COMMON_KEYS,
    "num_classes",
    "train_path",
    "val_path",
    "test_path",
    "separator",
  ]);
  const mode = r.mode(["train", "val", "test"]);
  const ignoreIndex = 255;
  const transforms = r.transforms(ignoreIndex);
  const labelRemap = r.labelRemap();
  const edge = r.bool("edge", false);
  const separator = r.separator();
  const source = await r.source();
  try {
    const cls = await r.classes(source, {
      numClasses: 19,
      names: CITYSCAPES_CLASSES,
      palette: CITYSCAPES_PALETTE,
    });
    let entries: ListEntry[], listFile: string | undefined;
    if (spec[`${mode}_path`] !== undefined) {
      const l = await r.listFile(source, `${mode}_path`, null, mode !== "test", separator);
      entries = l.entries;
      listFile = l.file;
    } else {
      const suffix = labelRemap.type === "cityscapes" ? "_gtFine_labelIds.png" : "_gtFine_labelTrainIds.png";
      const images = (await source.list(`leftImg8bit/${mode}`)).filter((p) =>
        /_leftImg8bit\.(png|jpe?g)$/i.test(p)
      );
      if (images.length === 0) {
        throw new DatasetError(
          `no images found: expected leftImg8bit/${mode}/<city>/<name>_leftImg8bit.png`,
          { file: source.describe(`leftImg8bit/${mode}`) },
        );
      }
      entries = images.map((image, i) => {
        const label = image.replace(/^leftImg8bit\//, "gtFine/").replace(
          /_leftImg8bit\.(png|jpe?g)$/i,
          suffix,
        );
        if (!source.has(label)) {
          if (mode === "test") return { image, label: null, line: i + 1 };
          const raw = label.replace(suffix, "_gtFine_labelIds.png");
          const hint = suffix.includes("TrainIds") && source.has(raw)
            ? "; the raw labelIds are there: set label_remap: cityscapes (or run cityscapesScripts' createTrainIdLabelImgs)"
            : "";
          throw new DatasetError(`label file not found for image ${source.describe(image)}${hint}`, {
            file: source.describe(label),
          });
        }
        return { image, label, line: i + 1 };
      });
    }
    return makeDataset({
      type: "Cityscapes",
      source,
      entries,
      listFile,
      mode,
      numClasses: cls.numClasses,
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
