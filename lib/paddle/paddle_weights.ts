/**
 * PaddleSeg state dicts ↔ seglab models: `loadPaddleState(model, state)` puts PaddleSeg 2.x
 * weights (OCRNet on any HRNet, HRNet backbones alone, UNet) into a seglab model, converting
 * names and layouts ({@link ./paddleseg_names.ts}); `paddleState(model)` gives the model's
 * weights as PaddleSeg's `state_dict()` would hold them. `loadPdparams` / `savePdparams` do the
 * same with files.
 *
 * Loading checks everything before it changes anything: every weight the model (or, with
 * `scope: "backbone"`, its backbone) needs must be in the file with PaddleSeg's shape, and a
 * model load refuses keys the model does not have. The error names the file and the missing,
 * unexpected and mis-shaped keys, and says when the class count or the architecture differs;
 * the model is left untouched.
 *
 * @example
 * ```ts
 * import { createModel, loadPdparams, savePdparams } from "seglab";
 * const model = createModel({ type: "OCRNet", backbone: { type: "HRNet_W18" }, num_classes: 2 });
 * await loadPdparams(model, "output/best_model/model.pdparams");
 * await savePdparams(model, "out/model.pdparams");   // paddle.load reads it
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { readData } from "../backend/read.ts";
import type { SegModel } from "../models/seg_model.ts";
import { PaddleCheckpointError } from "./errors.ts";
import { type NdArray, ndarray, toFloat32 } from "./ndarray.ts";
import { FROM_PADDLE, type Layout, paddleName, TO_PADDLE } from "./paddleseg_names.ts";
import { readPdparams, writePdparams } from "./pdparams.ts";

/** Options of {@linkcode loadPaddleState}. */
export interface PaddleLoadOptions {
  /**
   * `"model"` (default): every weight, as PaddleSeg's `model.pretrained` and `--model_path`;
   * `"backbone"`: the backbone's weights only, as `backbone.pretrained` — keys with or without
   * the `backbone.` prefix; other keys in the file (an ImageNet classifier) are ignored.
   */
  scope?: "model" | "backbone";
  /** Names the source in errors (default "the state dict"). */
  file?: string;
}

/** What a load did. */
export interface PaddleLoadResult {
  /** Weights set. */
  loaded: number;
  /** Keys of the file that were not used (backbone scope only). */
  ignored: string[];
}

interface Slot {
  seglab: string;
  layout: Layout;
  /** The shape in PaddleSeg's layout. */
  shape: number[];
}

function paddleShape(shape: number[], layout: Layout): number[] {
  return layout === "conv" ? TO_PADDLE.map((i) => shape[i]) : shape;
}

/** The model's weights by PaddleSeg key (with the seglab name and PaddleSeg shape). */
function slots(model: SegModel): Map<string, Slot> {
  const out = new Map<string, Slot>();
  for (const w of model.net.weights) {
    const shape = w.shape as number[];
    const { name, layout } = paddleName(w.originalName, shape.length);
    out.set(name, { seglab: w.originalName, layout, shape: paddleShape(shape, layout) });
  }
  return out;
}

function modelName(model: SegModel): string {
  const bb = (model.config.backbone as { type?: string } | undefined)?.type;
  return `${model.type}${bb ? `(${bb})` : ""} with ${model.numClasses} classes`;
}

function list(xs: string[], n = 4): string {
  return xs.slice(0, n).join(", ") + (xs.length > n ? `, … (${xs.length - n} more)` : "");
}

/** PaddleSeg's UNet registers its classifier twice (`self.cls = self.conv`): `conv.*` duplicates `cls.*`. */
function unetAlias(model: SegModel, key: string): string | null {
  if (model.type !== "UNet") return null;
  const m = key.match(/^conv\.(weight|bias)$/);
  return m ? `cls.${m[1]}` : null;
}

function classHint(model: SegModel, state: Map<string, NdArray>, misshaped: string[]): string {
  const heads = ["head.cls_head.weight", "cls.weight"];
  const k = heads.map((h) => state.get(h)?.shape[0]).find((x) => x !== undefined);
  const onlyHeads = misshaped.every((m) => /^(head\.cls_head|head\.aux_head\.1|cls|conv)\./.test(m));
  if (k !== undefined && k !== model.numClasses && onlyHeads) {
    return `; the checkpoint predicts ${k} classes and the model ${model.numClasses}: set model.num_classes: ${k}` +
      ` to use it as it is, or load it as backbone.pretrained to train a new head`;
  }
  if (misshaped.length > 0 && !onlyHeads) return "; the checkpoint is of another architecture or width";
  return "";
}

/**
 * Checks `state` against the model and returns the seglab-named tensors to set (caller
 * disposes), or throws a {@linkcode PaddleCheckpointError} listing every problem.
 */
function convert(
  model: SegModel,
  state: Map<string, NdArray>,
  opts: PaddleLoadOptions,
): { weights: Record<string, tf.Tensor>; ignored: string[] } {
  const file = opts.file ?? "the state dict";
  const scope = opts.scope ?? "model";
  let all = slots(model);
  let source = state;
  if (scope === "backbone") {
    all = new Map([...all].filter(([k]) => k.startsWith("backbone.")));
    if (all.size === 0) {
      throw new PaddleCheckpointError(
        `${file}: ${model.type} has no backbone to load backbone.pretrained into`,
      );
    }
    const prefixed = [...state.keys()].some((k) => k.startsWith("backbone."));
    if (!prefixed) source = new Map([...state].map(([k, v]) => [`backbone.${k}`, v]));
  }
  const missing: string[] = [], unexpected: string[] = [], misshaped: string[] = [], ignored: string[] = [];
  const used = new Map<string, NdArray>();
  for (const [key, slot] of all) {
    const alias = model.type === "UNet" && key.startsWith("cls.") ? `conv.${key.slice(4)}` : null;
    const a = source.get(key) ?? (alias ? source.get(alias) : undefined);
    if (!a) {
      missing.push(key);
      continue;
    }
    if (a.shape.join(",") !== slot.shape.join(",")) {
      misshaped.push(`${key} (file [${a.shape}], model [${slot.shape}])`);
      continue;
    }
    if (!["f4", "f8", "f2"].includes(a.dtype)) {
      misshaped.push(`${key} (file ${a.dtype} values, model float32)`);
      continue;
    }
    used.set(key, a);
  }
  for (const key of source.keys()) {
    if (all.has(key) || (unetAlias(model, key) && all.has(unetAlias(model, key)!))) continue;
    if (scope === "backbone") ignored.push(key);
    else unexpected.push(key);
  }
  if (missing.length || unexpected.length || misshaped.length) {
    const parts = [];
    if (misshaped.length) parts.push(`${misshaped.length} mis-shaped: ${list(misshaped, 3)}`);
    if (missing.length) parts.push(`${missing.length} missing: ${list(missing)}`);
    if (unexpected.length) parts.push(`${unexpected.length} unexpected: ${list(unexpected)}`);
    let hint = classHint(model, state, misshaped.map((m) => m.split(" ")[0]));
    const backboneKeys = unexpected.filter((k) => all.has(`backbone.${k}`)).length;
    if (
      !hint && scope === "model" && ![...state.keys()].some((k) => k.startsWith("head.")) &&
      (backboneKeys > unexpected.length / 2 || missing.every((k) => !k.startsWith("backbone.")))
    ) {
      hint = "; it holds no head: backbone weights go in model.backbone.pretrained";
    }
    throw new PaddleCheckpointError(
      `${file} does not fit ${modelName(model)}${scope === "backbone" ? " (backbone)" : ""}: ${
        parts.join("; ")
      }${hint}; nothing was loaded`,
    );
  }
  const weights: Record<string, tf.Tensor> = {};
  try {
    for (const [key, a] of used) {
      const slot = all.get(key)!;
      const values = toFloat32(a, `${file}: ${key}`);
      weights[slot.seglab] = tf.tidy(() => {
        const t = tf.tensor(values, slot.shape, "float32");
        return slot.layout === "conv" ? tf.transpose(t, FROM_PADDLE) : t;
      });
    }
  } catch (e) {
    for (const t of Object.values(weights)) t.dispose();
    throw e;
  }
  return { weights, ignored };
}

/** The class count a PaddleSeg state dict predicts (its classifier's rows), if it has one. */
export function numClassesOf(state: Map<string, NdArray>): number | undefined {
  return (state.get("head.cls_head.weight") ?? state.get("cls.weight"))?.shape[0];
}

/** Loads a PaddleSeg state dict into `model` (see the module documentation). */
export function loadPaddleState(
  model: SegModel,
  state: Map<string, NdArray>,
  opts: PaddleLoadOptions = {},
): PaddleLoadResult {
  const { weights, ignored } = convert(model, state, opts);
  try {
    const loaded = model.setWeights(weights, {
      partial: opts.scope === "backbone",
      source: opts.file ?? "the state dict",
    });
    return { loaded, ignored };
  } finally {
    for (const t of Object.values(weights)) t.dispose();
  }
}

/** Reads a `.pdparams` file and loads it into `model`. */
export async function loadPdparams(
  model: SegModel,
  file: string,
  opts: Omit<PaddleLoadOptions, "file"> = {},
): Promise<PaddleLoadResult> {
  return loadPaddleState(model, await readPdparams(file), { ...opts, file });
}

/** The model's weights as PaddleSeg's `state_dict()` holds them (names, `[out,in,kh,kw]` kernels). */
export async function paddleState(model: SegModel): Promise<Map<string, NdArray>> {
  const out = new Map<string, NdArray>();
  for (const w of model.net.weights) {
    const shape = w.shape as number[];
    const { name, layout } = paddleName(w.originalName, shape.length);
    // An asynchronous read: it works on every backend, webgpu included.
    const t = tf.tidy(() => layout === "conv" ? tf.transpose(w.read(), TO_PADDLE) : tf.clone(w.read()));
    const data = await readData<"float32">(t).finally(() => t.dispose());
    const a = ndarray("f4", paddleShape(shape, layout), Float32Array.from(data));
    out.set(name, a);
    const alias = name.match(/^cls\.(weight|bias)$/);
    if (model.type === "UNet" && alias) out.set(`conv.${alias[1]}`, a);
  }
  return out;
}

/** Writes the model as a PaddleSeg `.pdparams` (atomically; protocol 4 unless 2 is asked for). */
export async function savePdparams(
  model: SegModel,
  file: string,
  opts: { protocol?: 2 | 4 } = {},
): Promise<void> {
  await writePdparams(file, await paddleState(model), opts);
}
