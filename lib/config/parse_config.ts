/**
 * `parseConfig(yamlText, { path })`: reads a PaddleSeg YAML config, resolves `_base_` files
 * relative to `path` (recursively, as PaddleSeg does), and checks what it knows: YAML syntax
 * (line and column), the `loss:` section (types, coef, every loss's parameters) and the basic
 * training keys. Errors name the file and the key path.
 *
 * @example
 * ```ts
 * import { parseConfig } from "seglab";
 * const cfg = parseConfig(`
 * batch_size: 4
 * iters: 1000
 * loss:
 *   types:
 *     - type: MixedLoss
 *       losses: [{type: CrossEntropyLoss}, {type: LovaszHingeLoss}]
 *       coef: [1, 0.02]
 *   coef: [1]
 * `);
 * cfg.loss?.coef; // [1]
 * ```
 * @module
 */
import { parseDocument } from "yaml";
import { dirname, exists, readTextSync, resolvePath } from "../core/runtime.ts";
import { ConfigError } from "./config_error.ts";
import { type ConfigObject, mergeConfig, stripInherited } from "./merge_config.ts";
import { createLossConfig, type LossSection } from "../losses/loss_config.ts";
import { LossError } from "../losses/errors.ts";

/** A parsed config: PaddleSeg's keys (all optional here; the trainer checks what it needs). */
export interface SeglabConfig {
  batch_size?: number;
  iters?: number;
  seed?: number;
  loss?: LossSection;
  model?: ConfigObject;
  optimizer?: ConfigObject;
  lr_scheduler?: ConfigObject;
  train_dataset?: ConfigObject;
  val_dataset?: ConfigObject;
  [key: string]: unknown;
}

/** Options of {@linkcode parseConfig}. */
export interface ParseConfigOptions {
  /** The file the text came from: names it in errors and resolves `_base_`. */
  path?: string;
}

/** `line:col` (1-based) of an error, from the parser's position or its character offset. */
function linePos(
  text: string,
  pos: { line: number; col: number } | undefined,
  offset: number | undefined,
): string {
  if (pos) return `${pos.line}:${pos.col}`;
  const at = Math.min(offset ?? text.length, text.length);
  const before = text.slice(0, at).split("\n");
  return `${before.length}:${before[before.length - 1].length + 1}`;
}

function parseYaml(text: string, where: string): ConfigObject {
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const at = `${where}:${linePos(text, err.linePos?.[0], err.pos?.[0])}`;
    const first = err.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
    throw new ConfigError(`${at}: malformed YAML: ${first}`);
  }
  const value = doc.toJS();
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw new ConfigError(
      `${where}: a config must be a mapping of keys (batch_size:, loss:, …), got ${
        Array.isArray(value) ? "a list" : typeof value
      }`,
    );
  }
  return value as ConfigObject;
}

function load(text: string, path: string | undefined, seen: string[], shownAs?: string): ConfigObject {
  const where = shownAs ?? path ?? "<config>";
  const own = parseYaml(text, where);
  const base = own._base_;
  if (base === undefined) return own;
  const bases = typeof base === "string" ? [base] : Array.isArray(base) ? base : null;
  if (!bases || !bases.every((b) => typeof b === "string")) {
    throw new ConfigError(
      `${where}: _base_: expected a file path or a list of paths, got ${JSON.stringify(base)}`,
    );
  }
  if (!path) {
    throw new ConfigError(`<config>: _base_ needs the config's own path to resolve it: pass { path }`);
  }
  let merged: ConfigObject = {};
  for (const b of bases as string[]) {
    const file = resolvePath(dirname(path), b);
    if (seen.includes(file)) {
      throw new ConfigError(`${where}: _base_ "${b}" includes itself (${[...seen, file].join(" → ")})`);
    }
    if (!exists(file)) throw new ConfigError(`${where}: _base_ file "${b}" not found (looked at ${file})`);
    merged = mergeConfig(merged, load(readTextSync(file), file, [...seen, file]));
  }
  const { _base_: _, ...rest } = own;
  return mergeConfig(merged, rest);
}

function checkPositiveInt(cfg: ConfigObject, key: string, where: string): void {
  const v = cfg[key];
  if (v === undefined) return;
  if (typeof v !== "number" || !Number.isInteger(v) || v <= 0) {
    throw new ConfigError(`${where}: ${key}: expected a positive integer, got ${JSON.stringify(v)}`);
  }
}

/** Parses and checks a PaddleSeg YAML config. */
export function parseConfig(yamlText: string, opts: ParseConfigOptions = {}): SeglabConfig {
  const path = opts.path ? resolvePath(opts.path) : undefined;
  const where = opts.path ?? "<config>";
  if (typeof yamlText !== "string") {
    throw new ConfigError(`${where}: expected YAML text, got ${typeof yamlText}`);
  }
  const cfg = stripInherited(load(yamlText, path, path ? [path] : [], opts.path)) as ConfigObject;
  for (const key of ["batch_size", "iters"]) checkPositiveInt(cfg, key, where);
  if (cfg.seed !== undefined && (typeof cfg.seed !== "number" || !Number.isInteger(cfg.seed))) {
    throw new ConfigError(`${where}: seed: expected an integer, got ${JSON.stringify(cfg.seed)}`);
  }
  if (cfg.loss !== undefined) {
    try {
      createLossConfig(cfg.loss as LossSection, "loss");
    } catch (e) {
      if (e instanceof LossError) throw new ConfigError(`${where}: ${e.message}`);
      throw e;
    }
  }
  return cfg as SeglabConfig;
}
