/**
 * `npm run predict -- --config x.yml --model output/best_model --images dir --out dir`:
 * PaddleSeg's `tools/predict.py` — masks for every PNG/JPEG under `--images` (through the
 * config's `val_dataset` transforms), written as `pseudo_color_prediction/` (indexed PNG with the
 * dataset's palette, or the VOC palette) and `added_prediction/` (overlays).
 * @module
 */
import { predict } from "../train/predict.ts";
import { type OptionDef, parseArgs, usage, UsageError } from "./args.ts";
import { COMMON, inferOptionsFrom, modelFrom, runStoppable, startBackend } from "./common.ts";
import { imageFolderDataset } from "./image_folder.ts";
import { createDataset } from "../train/data.ts";

const OPTIONS: Record<string, OptionDef> = {
  ...COMMON,
  model: {
    kind: "string",
    doc: "checkpoint folder (best_model, iter_<k>) or save_dir",
    aliases: ["model_path"],
  },
  images: { kind: "string", doc: "an image file or a folder of PNG/JPEG images", aliases: ["image_path"] },
  out: { kind: "string", doc: "output folder (default: output/result)", aliases: ["save_dir"] },
  is_slide: { kind: "flag", doc: "sliding-window inference" },
  crop_size: { kind: "pair", doc: "window size for --is_slide" },
  stride: { kind: "pair", doc: "window step for --is_slide" },
  flip_horizontal: { kind: "flag", doc: "also infer on the flipped image", aliases: ["aug_pred"] },
};

/** Runs the predict command; returns the exit status. */
export function predictCommand(argv: readonly string[]): Promise<number> {
  return runStoppable("predict", argv, "stopping after the current image", async (signal) => {
    const a = parseArgs(argv, OPTIONS, "predict");
    if (a.help) {
      console.log(usage("npm run predict --", "predict masks for images with a checkpoint", OPTIONS));
      return 0;
    }
    if (!a.model) throw new UsageError("predict: --model is required (a checkpoint folder)");
    if (!a.images) throw new UsageError("predict: --images is required (an image or a folder of images)");
    await startBackend(a.backend as string | undefined);
    const { model, config, baseDir } = await modelFrom(a.config as string | undefined, a.model as string);
    try {
      const val = (config.val_dataset ?? {}) as Record<string, unknown>;
      // The dataset's palette and class names, when its folder is at hand; otherwise the VOC palette.
      let palette: readonly [number, number, number][] | undefined, classNames: readonly string[] | undefined;
      try {
        if (config.val_dataset) {
          const ds = await createDataset(val, { baseDir });
          palette = ds.palette;
          classNames = ds.classNames;
        }
      } catch {
        // Prediction does not need the validation data itself.
      }
      const ds = imageFolderDataset(a.images as string, {
        transforms: val.transforms,
        numClasses: model.numClasses,
        ignoreIndex: (val.ignore_index as number | undefined) ?? 255,
        palette,
        classNames,
        channels: model.inChannels === 1 ? 1 : 3,
      });
      const infer = inferOptionsFrom(a, config.test_config, "predict");
      const outDir = (a.out as string | undefined) ?? "output/result";
      const r = await predict(model, ds, { outDir, infer, keep: 0, progress: true, signal });
      console.log(
        `predict: ${r.count} masks written to ${outDir}/pseudo_color_prediction and overlays to ${outDir}/added_prediction`,
      );
      return 0;
    } finally {
      model.dispose();
    }
  });
}
