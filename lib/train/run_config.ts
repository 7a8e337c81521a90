/**
 * Resolving a training run's config: PaddleSeg's YAML keys (with `_base_`), the run's own
 * settings (PaddleSeg's command-line options, also accepted as YAML keys: `save_dir`,
 * `save_interval`, `eval_interval`, `log_iters`, `keep_checkpoint_max`, `do_eval`) and overrides
 * from code. Checks every key it uses and names the key path when one is wrong.
 * @module
 */
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

/** Reads a config argument: a YAML file path or a mapping. Returns the config and its folder. */
export function loadConfig(
  config: string | Record<string, unknown> | undefined,
  baseDir?: string,
): { config: SeglabConfig; baseDir: string; file?: string } {
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
    return { config: parseConfig(text, { path: config }), baseDir: baseDir ?? path.dirname(file), file };
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
