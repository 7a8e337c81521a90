/**
 * Training checkpoints: a folder with the model in TensorFlow.js's layers format (`model.json` +
 * `model.weights.bin`, loadable with `tf.loadLayersModel(fileIO(dir))`), the optimizer's state
 * (`optimizer.weights.bin`), and `train_state.json` (iteration, seed, model and run config,
 * history, best score). A folder is written under a temporary name and renamed into place, so a
 * crash never leaves a half-written checkpoint where a complete one is expected.
 *
 * Layout of a run's `save_dir`, as PaddleSeg's: `iter_<k>/` (the last `keep_checkpoint_max`
 * kept) and `best_model/`.
 *
 * @example
 * ```ts
 * import { loadCheckpoint } from "seglab";
 * const ck = await loadCheckpoint("output/iter_1000");
 * ck.state.iter;          // 1000
 * ck.dispose();
 * ```
 * @module
 */
import * as fsp from "node:fs/promises";
import * as fs from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { tf } from "../core/tf.ts";
import type { ModelConfig, SegModel } from "../models/seg_model.ts";
import type { Optimizer } from "./optimizer.ts";
import {
  CheckpointError,
  fileIO,
  MODEL_JSON,
  readWeights,
  sha256,
  weightBytes,
  WEIGHTS_BIN,
  writeSynced,
} from "./file_io.ts";

export const STATE_JSON = "train_state.json";
export const OPTIMIZER_BIN = "optimizer.weights.bin";

/** What `train_state.json` holds. */
export interface CheckpointState {
  format: "seglab-checkpoint";
  version: 1;
  /** Iterations completed when it was written. */
  iter: number;
  /** The run's total iterations. */
  iters: number;
  /** The run's seed (data order, dropout, initial weights). */
  seed: number;
  /** The model's config, defaults filled in. */
  model: ModelConfig;
  /** The run's resolved config (PaddleSeg keys). */
  config: Record<string, unknown>;
  /** History rows up to `iter`. */
  history: Record<string, number | null>[];
  /** The best evaluation so far. */
  best?: { iter: number; miou: number } | null;
  /** Optimizer type, config, update count and the manifest of its slots. */
  optimizer?: {
    type: string;
    config: Record<string, unknown>;
    iterations: number;
    weights: tf.io.WeightsManifestEntry[];
    bytes: number;
    sha256: string;
  } | null;
  /** Free-form extras (metrics of `best_model`, notes). */
  extra?: Record<string, unknown>;
  savedAt: string;
  backend: string;
}

/** A loaded checkpoint. Its tensors belong to the caller: `dispose()` when done. */
export interface LoadedCheckpoint {
  dir: string;
  state: CheckpointState | null;
  weights: Record<string, tf.Tensor>;
  optimizer: { iterations: number; slots: Record<string, tf.Tensor> } | null;
  dispose(): void;
}

/** Writes a checkpoint folder atomically (temporary folder + rename; a previous one is replaced). */
export async function saveCheckpoint(
  dir: string,
  parts: {
    model: SegModel;
    optimizer?: Optimizer | null;
    state: Omit<CheckpointState, "format" | "version" | "savedAt" | "backend" | "optimizer">;
  },
): Promise<void> {
  const parent = path.dirname(path.resolve(dir)), base = path.basename(dir);
  await fsp.mkdir(parent, { recursive: true });
  const tmp = path.join(parent, `.${base}.tmp-${process.pid}-${Date.now().toString(36)}`);
  try {
    await parts.model.net.save(fileIO(tmp));
    let optimizer: CheckpointState["optimizer"] = null;
    if (parts.optimizer) {
      const s = parts.optimizer.getState();
      const { data, specs } = await tf.io.encodeWeights(s.slots);
      const bytes = weightBytes(data);
      await writeSynced(path.join(tmp, OPTIMIZER_BIN), bytes);
      optimizer = {
        type: parts.optimizer.type,
        config: { ...parts.optimizer.config },
        iterations: s.iterations,
        weights: specs,
        bytes: bytes.byteLength,
        sha256: sha256(bytes),
      };
    }
    const state: CheckpointState = {
      format: "seglab-checkpoint",
      version: 1,
      ...parts.state,
      optimizer,
      savedAt: new Date().toISOString(),
      backend: tf.getBackend(),
    };
    await writeSynced(path.join(tmp, STATE_JSON), JSON.stringify(state, null, 1));
    await replaceDir(tmp, path.resolve(dir));
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw e;
  }
}

/** Renames `from` to `to`, replacing a folder already there (which is removed afterwards). */
async function replaceDir(from: string, to: string): Promise<void> {
  if (!fs.existsSync(to)) {
    await fsp.rename(from, to);
    return;
  }
  const old = `${path.join(path.dirname(to), "." + path.basename(to))}.old-${process.pid}-${
    Date.now().toString(36)
  }`;
  await fsp.rename(to, old);
  await fsp.rename(from, to);
  await fsp.rm(old, { recursive: true, force: true });
}

/** The `iter_<k>` folders of a save_dir that hold a complete checkpoint, oldest first. */
export function listCheckpoints(saveDir: string): { iter: number; dir: string }[] {
  if (!fs.existsSync(saveDir)) return [];
  return fs.readdirSync(saveDir)
    .map((n) => ({ n, m: /^iter_(\d+)$/.exec(n) }))
    .filter((x) => x.m && fs.existsSync(path.join(saveDir, x.n, STATE_JSON)))
    .map((x) => ({ iter: Number(x.m![1]), dir: path.join(saveDir, x.n) }))
    .sort((a, b) => a.iter - b.iter);
}

/** Resolves a checkpoint path: a checkpoint folder, its `model.json`, or a save_dir (→ its latest `iter_<k>`). */
export function resolveCheckpoint(p: string): string {
  const abs = path.resolve(p);
  if (abs.endsWith(".json") && fs.existsSync(abs)) return path.dirname(abs);
  if (fs.existsSync(path.join(abs, MODEL_JSON))) return abs;
  const list = listCheckpoints(abs);
  if (list.length) return list[list.length - 1].dir;
  if (!fs.existsSync(abs)) throw new CheckpointError(`${p}: no such checkpoint (the folder does not exist)`);
  throw new CheckpointError(
    `${p}: not a checkpoint — no ${MODEL_JSON} in it and no iter_<k> checkpoints below it`,
  );
}

/** Reads a checkpoint (see {@linkcode resolveCheckpoint} for the accepted paths). */
export async function loadCheckpoint(
  p: string,
  opts: { optimizer?: boolean } = {},
): Promise<LoadedCheckpoint> {
  const dir = resolveCheckpoint(p);
  let state: CheckpointState | null = null;
  const stateFile = path.join(dir, STATE_JSON);
  if (fs.existsSync(stateFile)) {
    try {
      state = JSON.parse(await fsp.readFile(stateFile, "utf8"));
    } catch (e) {
      throw new CheckpointError(
        `${stateFile}: not valid JSON (${(e as Error).message}); the checkpoint is damaged`,
      );
    }
    if (state?.format !== "seglab-checkpoint") {
      throw new CheckpointError(`${stateFile}: not a seglab checkpoint state`);
    }
  }
  const artifacts = await fileIO(dir).load!();
  const weights = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  let optimizer: LoadedCheckpoint["optimizer"] = null;
  if (opts.optimizer && state?.optimizer) {
    try {
      const o = state.optimizer;
      const bytes = await readWeights(path.join(dir, OPTIMIZER_BIN), o.weights, {
        bytes: o.bytes,
        sha256: o.sha256,
      });
      optimizer = {
        iterations: o.iterations,
        slots: tf.io.decodeWeights(bytes.slice().buffer as ArrayBuffer, o.weights),
      };
    } catch (e) {
      tf.dispose(Object.values(weights));
      throw e;
    }
  }
  return {
    dir,
    state,
    weights,
    optimizer,
    dispose() {
      tf.dispose(Object.values(weights));
      if (optimizer) tf.dispose(Object.values(optimizer.slots));
    },
  };
}

function describeModel(m: Partial<ModelConfig>): string {
  const bb = (m.backbone as { type?: string } | undefined)?.type;
  return `${m.type}${bb ? `(${bb})` : ""} with ${m.num_classes} classes`;
}

/** The keys of a model config that decide its weights (everything but `pretrained`). */
function structural(m: Record<string, unknown>): string {
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.map(strip);
    if (x && typeof x === "object") {
      return Object.fromEntries(
        Object.entries(x as Record<string, unknown>).filter(([k]) => k !== "pretrained").sort(([a], [b]) =>
          a.localeCompare(b)
        ).map(([k, v]) => [k, strip(v)]),
      );
    }
    return x;
  };
  return JSON.stringify(strip(m));
}

/**
 * Loads a checkpoint's weights into `model`, refusing one made for another model (the reason
 * names both). With `partial`, only the given names are required (a backbone, for example).
 */
export function applyCheckpoint(
  model: SegModel,
  ck: LoadedCheckpoint,
  opts: { partial?: boolean; prefix?: string } = {},
): number {
  const m = ck.state?.model;
  if (m && !opts.prefix && structural(m) !== structural(model.config)) {
    const diff = Object.keys({ ...m, ...model.config }).filter((k) =>
      k !== "pretrained" &&
      JSON.stringify((m as Record<string, unknown>)[k]) !==
        JSON.stringify((model.config as Record<string, unknown>)[k])
    );
    throw new CheckpointError(
      `checkpoint ${ck.dir} holds ${describeModel(m)}, but this model is ${describeModel(model.config)}` +
        ` (model.${diff.slice(0, 3).join(", model.")} differ${
          diff.length === 1 ? "s" : ""
        }); load it into the model it was trained as`,
    );
  }
  const weights = opts.prefix
    ? Object.fromEntries(Object.entries(ck.weights).filter(([k]) => k.startsWith(opts.prefix!)))
    : ck.weights;
  if (opts.prefix && Object.keys(weights).length === 0) {
    throw new CheckpointError(`checkpoint ${ck.dir} has no weights under "${opts.prefix}"`);
  }
  return model.setWeights(weights, {
    partial: opts.partial || Boolean(opts.prefix),
    source: `checkpoint ${ck.dir}`,
  });
}

export { CheckpointError, WEIGHTS_BIN };
