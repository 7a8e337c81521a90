/**
 * The one place a run's starting weights are loaded: the config's `model.pretrained` (the whole
 * model) and `model.backbone.pretrained` (the backbone, `backbone.` names) — PaddleSeg's
 * `.pdparams` (a file, or a folder holding `model.pdparams`; `lib/paddle/`), also from a URL
 * downloaded once into the cache, or seglab's checkpoint folders. A URL that cannot be fetched is
 * one line and the model's initialisation (an error with `required`).
 * @module
 */
import * as path from "node:path";
import { ConfigError } from "../config/config_error.ts";
import type { SegModel } from "../models/seg_model.ts";
import { loadPdparams } from "../paddle/paddle_weights.ts";
import { paddleCheckpointFile, pretrainedFile } from "../paddle/pretrained.ts";
import { applyCheckpoint, loadCheckpoint } from "./checkpoint.ts";
import type { LogFn } from "./train_log.ts";

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

/** Loads `pretrained` weights (model or backbone); see the module documentation. */
export async function loadInitialWeights(
  model: SegModel,
  cfg: Record<string, unknown>,
  baseDir: string,
  log: LogFn,
  required = false,
): Promise<void> {
  for (const [key, p, prefix] of pretrainedEntries(cfg)) {
    if (!p) continue;
    const local = await pretrainedFile(p, { key, log, required });
    if (local === null) continue;
    const file = path.resolve(baseDir, local);
    const paddle = paddleCheckpointFile(file);
    if (paddle) {
      const r = await loadPdparams(model, paddle, { scope: prefix ? "backbone" : "model" });
      log(
        `[INFO] ${key}: loaded ${r.loaded} weights from ${paddle} (PaddleSeg)` +
          (r.ignored.length
            ? `; ${r.ignored.length} keys of the file not used (${r.ignored.slice(0, 3).join(", ")}…)`
            : ""),
      );
      continue;
    }
    if (/\.(pdmodel|pth|pt)$/i.test(file)) {
      throw new ConfigError(
        `${key}: ${p} is a Paddle inference model or a PyTorch file; seglab loads .pdparams and its own checkpoints`,
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
