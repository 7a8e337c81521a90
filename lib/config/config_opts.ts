/**
 * `applyOpts(cfg, ["train_dataset.transforms.1.crop_size=[64, 64]", …])`: PaddleSeg's `--opts`
 * — set config keys by dotted path, each value read as YAML. Every key on the path but the last
 * must exist (as in PaddleSeg); seglab also indexes lists by number (`transforms.1`).
 *
 * @example
 * ```ts
 * import { applyOpts } from "./config_opts.ts";
 * const cfg = { batch_size: 4, model: { type: "OCRNet" } };
 * applyOpts(cfg, ["batch_size=2", "model.num_classes=3"]);   // { batch_size: 2, model: { type: "OCRNet", num_classes: 3 } }
 * ```
 * @module
 */
import { parse } from "yaml";
import { ConfigError } from "./config_error.ts";

/** Sets each `key.path=value` of `opts` in `cfg` (in place); returns `cfg`. */
export function applyOpts<T extends Record<string, unknown>>(cfg: T, opts: readonly string[]): T {
  for (const opt of opts) {
    const eq = opt.indexOf("=");
    if (eq <= 0) throw new ConfigError(`--opts: "${opt}" is not KEY=VALUE (e.g. batch_size=2)`);
    const keys = opt.slice(0, eq).trim().split(".");
    let value: unknown;
    try {
      value = parse(opt.slice(eq + 1));
    } catch (e) {
      throw new ConfigError(
        `--opts: ${opt}: the value is not valid YAML (${(e as Error).message.split("\n")[0]})`,
      );
    }
    let node: unknown = cfg;
    for (let i = 0; i < keys.length - 1; i++) {
      const k = keys[i];
      const next = Array.isArray(node) ? node[Number(k)] : (node as Record<string, unknown>)[k];
      if (next === null || typeof next !== "object") {
        throw new ConfigError(
          `--opts: ${opt}: ${keys.slice(0, i + 1).join(".")} is not ${
            next === undefined ? "in the config" : "a mapping or list"
          }`,
        );
      }
      node = next;
    }
    const last = keys[keys.length - 1];
    if (Array.isArray(node)) {
      const idx = Number(last);
      if (!Number.isInteger(idx) || idx < 0 || idx >= node.length) {
        throw new ConfigError(`--opts: ${opt}: index ${last} is outside the list (${node.length} items)`);
      }
      node[idx] = value;
    } else (node as Record<string, unknown>)[last] = value;
  }
  return cfg;
}
