/**
 * The one place a run's starting weights are loaded: the config's `model.pretrained` (the whole
 * model) and `model.backbone.pretrained` (the backbone, `backbone.` names) from local checkpoint
 * folders. URLs are skipped with a warning (seglab downloads nothing); Paddle/PyTorch weight files
 * are refused with the reason. A loader for other formats (e.g. PaddleSeg's `.pdparams`) belongs
 * here, beside `loadCheckpoint`.
 * @module
 */
import * as path from "node:path";
import { ConfigError } from "../config/config_error.ts";
import type { SegModel } from "../models/seg_model.ts";
import { applyCheckpoint, loadCheckpoint } from "./checkpoint.ts";
import type { LogFn } from "./train_log.ts";

function isUrl(s: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(s) && !s.startsWith("file://");
}

/** The `pretrained` entries of a model section: [config key, path or null, weight-name prefix]. */
export function pretrainedEntries(
  cfg: Record<string, unknown>,
): [string, string | null, string | undefined][] {
  return [
    ["model.pretrained", cfg.pretrained as string | null, undefined],
    [
      "model.backbone.pretrained",
      (cfg.backbone as Record<string, unknown> | undefined)?.pretrained as string | null,
      "backbone.",
    ],
  ];
}

/** Loads `pretrained` weights (model or backbone) from a local checkpoint; warns and skips URLs. */
export async function loadInitialWeights(
  model: SegModel,
  cfg: Record<string, unknown>,
  baseDir: string,
  log: LogFn,
): Promise<void> {
  for (const [key, p, prefix] of pretrainedEntries(cfg)) {
    if (!p) continue;
    if (isUrl(p)) {
      log(
        `[WARNING] ${key}: ${p} is a URL and seglab does not download weights; skipped (give a local checkpoint folder to load one)`,
      );
      console.warn(
        `seglab: ${key}: ${p} is a URL; seglab does not download weights, so the model starts from its initialisation`,
      );
      continue;
    }
    const file = path.resolve(baseDir, p.replace(/^file:\/\//, ""));
    if (/\.(pdparams|pdmodel|pth|pt)$/i.test(file)) {
      throw new ConfigError(
        `${key}: ${p} is a Paddle/PyTorch weights file; seglab loads TensorFlow.js checkpoints (a folder with model.json)`,
      );
    }
    const ck = await loadCheckpoint(file);
    try {
      const n = applyCheckpoint(model, ck, { prefix });
      log(`[INFO] ${key}: loaded ${n} weights from ${ck.dir}`);
    } finally {
      ck.dispose();
    }
  }
}
