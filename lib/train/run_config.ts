/**
 * Resolving a training run's config: PaddleSeg's YAML keys (with `_base_`), the run's own
 * settings (PaddleSeg's command-line options, also accepted as YAML keys: `save_dir`,
 * `save_interval`, `eval_interval`, `log_iters`, `keep_checkpoint_max`, `do_eval`) and overrides
 * from code. Checks every key it uses and names the key path when one is wrong.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseConfig, type SeglabConfig } from "../config/parse_config.ts";
import { ConfigError } from "../config/config_error.ts";
import { boolean, integer, mapping, readSection, show, string, suggest } from "../config/schema.ts";
import { readFailure, readTextSync } from "../core/runtime.ts";

/** The run settings (PaddleSeg's `tools/train.py` options). */
export interface RunSettings {
  iters: number;
  batchSize: number;
  seed: number | null;
  saveDir: string | null;
  saveInterval: number;
  evalInterval: number;
  logIters: number;
  keepCheckpointMax: number;
  doEval: boolean;
}

/** PaddleSeg's top-level keys that seglab reads. */
const PADDLE_KEYS = [
  "batch_size",
  "iters",
  "seed",
  "train_dataset",
  "val_dataset",
  "optimizer",
  "lr_scheduler",
  "loss",
  "model",
  "test_config",
];
/** seglab's run keys. */
const RUN_KEYS = [
  "save_dir",
  "save_interval",
  "eval_interval",
  "log_iters",
  "keep_checkpoint_max",
  "do_eval",
];
/** PaddleSeg keys that do not affect training here (accepted silently). */
const QUIET_KEYS = ["export", "_base_", "num_classes", "precision", "amp_level", "to_static_training"];

/** The relative paths a config names (data set roots and lists, pretrained weights). */
export function configPaths(cfg: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === "string" && v && !path.isAbsolute(v) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) out.push(v);
  };
  for (const k of ["train_dataset", "val_dataset", "test_dataset"]) {
    const d = cfg[k] as Record<string, unknown> | undefined;
    if (d && typeof d === "object") {
      for (const f of ["dataset_root", "train_path", "val_path", "test_path"]) {
        add(d[f]);
      }
    }
  }
  const m = cfg.model as Record<string, unknown> | undefined;
  if (m && typeof m === "object") {
    add(m.pretrained);
    add((m.backbone as Record<string, unknown> | undefined)?.pretrained);
  }
  return out;
}

/**
 * Where a config file's relative paths resolve: the working directory, as PaddleSeg's (it is run
 * from its root); the config's own folder only when the paths exist there and not from the
 * working directory. Returns the folder and a line saying which was used.
 */
export function pathBase(
  cfg: Record<string, unknown>,
  file: string,
): { baseDir: string; note: string | null } {
  const cwd = process_cwd(), own = path.dirname(path.resolve(file));
  const paths = configPaths(cfg);
  if (paths.length === 0 || own === cwd) return { baseDir: cwd, note: null };
  const found = (dir: string) => paths.filter((p) => fs.existsSync(path.resolve(dir, p))).length;
  const here = found(cwd), there = found(own);
  if (there > here) {
    return {
      baseDir: own,
      note: `${file}: its relative paths (${paths[0]}…) do not exist from the working directory ${cwd}; ` +
        `resolving them against the config's folder ${own}`,
    };
  }
  return {
    baseDir: cwd,
    note: `${file}: relative paths resolve against the working directory ${cwd} (as PaddleSeg's)`,
  };
}

/** Reads a config argument: a YAML file path or a mapping. Returns the config and where its paths resolve. */
export function loadConfig(
  config: string | Record<string, unknown> | undefined,
  baseDir?: string,
): { config: SeglabConfig; baseDir: string; file?: string; pathNote?: string | null } {
  if (config === undefined) return { config: {}, baseDir: baseDir ?? process_cwd() };
  if (typeof config === "string") {
    if (/\n/.test(config) || !/\.ya?ml$/i.test(config)) {
      throw new ConfigError(
        `config: expected a path to a .yml/.yaml file or a mapping of PaddleSeg keys, got ${
          show(config.slice(0, 60))
        }`,
      );
    }
    const file = path.resolve(config);
    let text: string;
    try {
      text = readTextSync(file);
    } catch (e) {
      throw new ConfigError(
        `${config}: cannot read the config (${readFailure(e)})`,
      );
    }
    const parsed = parseConfig(text, { path: config });
    if (baseDir !== undefined) return { config: parsed, baseDir, file };
    const base = pathBase(parsed, config);
    return { config: parsed, baseDir: base.baseDir, file, pathNote: base.note };
  }
  const obj = mapping(config, "config");
  return { config: structuredClone(obj) as SeglabConfig, baseDir: baseDir ?? process_cwd() };
}

function process_cwd(): string {
  return path.resolve(".");
}

/** The keys of `cfg` seglab ignores (to warn about), and a suggestion for likely typos. */
export function ignoredKeys(cfg: Record<string, unknown>): string[] {
  const known = [...PADDLE_KEYS, ...RUN_KEYS, ...QUIET_KEYS];
  return Object.keys(cfg).filter((k) => !known.includes(k)).map((k) => `${k}${suggest(k, known)}`);
}

/** Reads the run settings from the config, overridden by `over` (code or command line). */
export function runSettings(
  cfg: Record<string, unknown>,
  over: Partial<RunSettings>,
  where = "",
): RunSettings {
  const at = (k: string) => `${where}${k}`;
  const pick = <T>(
    k: string,
    check: (v: unknown, p: string) => T,
    o: T | undefined | null,
  ): T | undefined => {
    if (o !== undefined && o !== null) return check(o, at(k));
    const v = cfg[k];
    return v === undefined || v === null ? undefined : check(v, at(k));
  };
  const iters = pick("iters", integer({ min: 1 }), over.iters);
  if (iters === undefined) {
    throw new ConfigError(`${at("iters")}: is required (the number of training iterations)`);
  }
  const batchSize = pick("batch_size", integer({ min: 1 }), over.batchSize);
  if (batchSize === undefined) {
    throw new ConfigError(`${at("batch_size")}: is required (images per iteration)`);
  }
  const seed = pick("seed", integer({ min: 0 }), over.seed ?? undefined) ?? null;
  const saveDir = over.saveDir !== undefined ? over.saveDir : (pick("save_dir", string, undefined) ?? null);
  const saveInterval = pick("save_interval", integer({ min: 1 }), over.saveInterval) ?? 1000;
  const evalInterval = pick("eval_interval", integer({ min: 1 }), over.evalInterval) ?? saveInterval;
  const logIters = pick("log_iters", integer({ min: 1 }), over.logIters) ?? 10;
  const keepCheckpointMax = pick("keep_checkpoint_max", integer({ min: 1 }), over.keepCheckpointMax) ?? 5;
  const doEval = pick("do_eval", boolean, over.doEval) ?? true;
  return { iters, batchSize, seed, saveDir, saveInterval, evalInterval, logIters, keepCheckpointMax, doEval };
}

/** Checks the sections seglab needs exist and are mappings (types are checked where built). */
export function checkSections(cfg: Record<string, unknown>, where = ""): void {
  for (const k of ["model", "loss"]) {
    if (cfg[k] === undefined || cfg[k] === null) throw new ConfigError(`${where}${k}: is required`);
  }
  for (
    const k of ["model", "loss", "optimizer", "lr_scheduler", "train_dataset", "val_dataset", "test_config"]
  ) {
    if (cfg[k] !== undefined && cfg[k] !== null) mapping(cfg[k], `${where}${k}`);
  }
  if (cfg.loss) {
    readSection(cfg.loss, `${where}loss`, {
      types: { check: (v) => v },
      coef: { check: (v) => v },
    }, { what: "loss" });
  }
}
