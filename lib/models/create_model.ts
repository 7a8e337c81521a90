/**
 * `createModel(config)`: builds a {@linkcode SegModel} from PaddleSeg's `model:` section, e.g.
 * `{ type: OCRNet, backbone: { type: HRNet_W18 }, num_classes: 2 }` or
 * `{ type: UNet, num_classes: 2, base_channels: 16, depth: 3 }`. Every parameter PaddleSeg's
 * constructors take is accepted; unknown keys and wrong values are errors that name the key
 * path (`model.backbone.type: unknown backbone "HRNet_W19" (did you mean "HRNet_W18"?) …`).
 *
 * `num_classes` may come from the dataset instead (`opts.numClasses`), as in PaddleSeg;
 * `pretrained` is kept in the config and loaded by `loadPretrained` / the trainer.
 *
 * @example
 * ```ts
 * import { createModel } from "seglab";
 * const small = createModel({
 *   type: "OCRNet", num_classes: 2,
 *   backbone: { type: "HRNet_W18_Small_V1" }, ocr_mid_channels: 128, ocr_key_channels: 64,
 * }, { seed: 1 });
 * small.description;   // "OCRNet(HRNet_W18_Small_V1), 2 classes, …"
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { ConfigError } from "../config/config_error.ts";
import {
  boolean,
  type Check,
  either,
  type Field,
  integer,
  listOf,
  mapping,
  number,
  readSection,
  readType,
  show,
  string,
} from "../config/schema.ts";
import { LayerBuilder } from "./builder.ts";
import { hrnet, HRNET_DEFAULTS, HRNET_PRESETS, type HRNetParams } from "./hrnet.ts";
import { ocrHead } from "./ocrnet.ts";
import { unet } from "./unet.ts";
import { type ModelConfig, SegModel } from "./seg_model.ts";
import { randomSeed } from "./seed.ts";

/** Options of {@linkcode createModel}. */
export interface CreateModelOptions {
  /** Classes, when the config has no `num_classes` (PaddleSeg takes it from the dataset). */
  numClasses?: number;
  /** Image channels (default: the config's `in_channels`, else 3). */
  inChannels?: number;
  /** Seed of the initial weights (default: random, recorded in `model.seed`). */
  seed?: number;
  /** Names the section in errors (default "model"). */
  path?: string;
}

/** The model types `createModel` knows. */
export const MODEL_TYPES = ["OCRNet", "UNet"] as const;
/** The backbone types OCRNet accepts. */
export const BACKBONE_TYPES: readonly string[] = Object.keys(HRNET_PRESETS);

const pretrainedField: Field = {
  check: either(string, (v, p) => (v === null ? null : string(v, p)), "a local path or URL"),
  default: null,
  doc: "local checkpoint path (URLs are skipped offline)",
};
const positiveList: Check<number[]> = listOf(integer({ min: 1 }), { minLength: 1 });

function hrnetFields(): Record<string, Field> {
  const f: Record<string, Field> = { type: { check: string }, pretrained: pretrainedField };
  for (const k of [1, 2, 3, 4]) {
    f[`stage${k}_num_modules`] = { check: integer({ min: 1 }), optional: true };
    f[`stage${k}_num_blocks`] = { check: positiveList, optional: true };
    f[`stage${k}_num_channels`] = { check: positiveList, optional: true };
  }
  f.has_se = { check: boolean, optional: true };
  f.align_corners = { check: boolean, optional: true };
  f.stem_channels = { check: integer({ min: 1 }), optional: true, doc: "seglab: stem width (64)" };
  f.in_channels = { check: integer({ min: 1 }), optional: true };
  return f;
}

function readBackbone(
  value: unknown,
  path: string,
): HRNetParams & { type: string; pretrained: string | null } {
  const obj = mapping(value, path);
  const type = readType(obj, path, BACKBONE_TYPES, "backbone");
  const given = readSection<Record<string, unknown>>(obj, path, hrnetFields(), { what: type });
  const p = { ...HRNET_DEFAULTS, ...HRNET_PRESETS[type] } as Record<string, unknown>;
  for (const [k, v] of Object.entries(given)) if (v !== undefined && k !== "in_channels") p[k] = v;
  for (const k of [2, 3, 4]) {
    const blocks = p[`stage${k}_num_blocks`] as number[], ch = p[`stage${k}_num_channels`] as number[];
    if (blocks.length !== k || ch.length !== k) {
      throw new ConfigError(
        `${path}: stage${k} has ${k} branches, so stage${k}_num_blocks and stage${k}_num_channels need ${k} ` +
          `items each (got ${blocks.length} and ${ch.length})`,
      );
    }
  }
  return p as unknown as HRNetParams & { type: string; pretrained: string | null };
}

function readNumClasses(obj: Record<string, unknown>, path: string, fromData?: number): number {
  const v = obj.num_classes;
  if (v === undefined || v === null) {
    if (fromData === undefined) {
      throw new ConfigError(
        `${path}.num_classes: is required (or comes from the dataset's num_classes when training)`,
      );
    }
    return fromData;
  }
  const n = integer({ min: 1 })(v, `${path}.num_classes`);
  if (fromData !== undefined && n !== fromData) {
    throw new ConfigError(
      `${path}.num_classes: is ${n} but the dataset has ${fromData} classes; they must agree`,
    );
  }
  return n;
}

function build(
  config: ModelConfig,
  seed: number,
  describe: (b: LayerBuilder, x: tf.SymbolicTensor) => { outputs: tf.SymbolicTensor[]; names: string[] },
): SegModel {
  const b = new LayerBuilder(seed);
  const input = tf.input({ shape: [null, null, config.in_channels], name: "image" });
  const { outputs, names } = describe(b, input);
  const net = tf.model({ inputs: input, outputs, name: config.type });
  const evalNet = tf.model({ inputs: input, outputs: outputs[0], name: `${config.type}_eval` });
  return new SegModel(config, net, evalNet, names, seed);
}

/** Builds a segmentation model from PaddleSeg's `model:` section. */
export function createModel(config: Record<string, unknown>, opts: CreateModelOptions = {}): SegModel {
  const path = opts.path ?? "model";
  const obj = mapping(config, path);
  const type = readType(obj, path, MODEL_TYPES, "model");
  const seed = opts.seed ?? randomSeed();
  const numClasses = readNumClasses(obj, path, opts.numClasses);
  const inField: Field = { check: integer({ min: 1 }), optional: true };
  if (type === "OCRNet") {
    const p = readSection<Record<string, unknown>>(obj, path, {
      type: { check: string },
      num_classes: { check: integer({ min: 1 }), optional: true },
      backbone: { check: mapping, doc: "e.g. {type: HRNet_W18}" },
      backbone_indices: { check: listOf(integer(), { minLength: 1 }), default: [0] },
      ocr_mid_channels: { check: integer({ min: 1 }), default: 512 },
      ocr_key_channels: { check: integer({ min: 1 }), default: 256 },
      align_corners: { check: boolean, default: false },
      pretrained: pretrainedField,
      dropout_rate: {
        check: number({ min: 0, max: 0.99 }),
        default: 0.1,
        doc: "seglab: Dropout2D rate (0.1)",
      },
      in_channels: inField,
    }, { what: "OCRNet" });
    const bb = readBackbone(p.backbone, `${path}.backbone`);
    const idx = p.backbone_indices as number[];
    if (idx.some((i) => i !== 0 && i !== -1) || idx.length > 2) {
      throw new ConfigError(
        `${path}.backbone_indices: ${bb.type} has one output (index 0), got ${show(idx)}`,
      );
    }
    const inChannels = opts.inChannels ?? (p.in_channels as number | undefined) ??
      ((mapping(p.backbone, `${path}.backbone`).in_channels as number | undefined) ?? 3);
    const full: ModelConfig = {
      ...p,
      type,
      num_classes: numClasses,
      in_channels: inChannels,
      backbone: { ...bb },
    };
    return build(full, seed, (b, x) => {
      const { feature } = hrnet(b, x, bb);
      const { logit, softRegions } = ocrHead(b, feature, {
        num_classes: numClasses,
        ocr_mid_channels: p.ocr_mid_channels as number,
        ocr_key_channels: p.ocr_key_channels as number,
        dropout_rate: p.dropout_rate as number,
      });
      const align = p.align_corners as boolean;
      return {
        outputs: [
          b.resizeLike(logit, x, "upsample_main", align),
          b.resizeLike(softRegions, x, "upsample_aux", align),
        ],
        names: ["main", "aux"],
      };
    });
  }
  const p = readSection<Record<string, unknown>>(obj, path, {
    type: { check: string },
    num_classes: { check: integer({ min: 1 }), optional: true },
    align_corners: { check: boolean, default: false },
    use_deconv: { check: boolean, default: false },
    pretrained: pretrainedField,
    in_channels: inField,
    base_channels: { check: integer({ min: 1 }), default: 64, doc: "seglab: first-level width (64)" },
    depth: { check: integer({ min: 1, max: 8 }), default: 4, doc: "seglab: number of down-samplings (4)" },
  }, { what: "UNet" });
  const inChannels = opts.inChannels ?? (p.in_channels as number | undefined) ?? 3;
  const full: ModelConfig = { ...p, type, num_classes: numClasses, in_channels: inChannels };
  return build(full, seed, (b, x) => ({
    outputs: [unet(b, x, {
      num_classes: numClasses,
      align_corners: p.align_corners as boolean,
      use_deconv: p.use_deconv as boolean,
      base_channels: p.base_channels as number,
      depth: p.depth as number,
    })],
    names: ["main"],
  }));
}
