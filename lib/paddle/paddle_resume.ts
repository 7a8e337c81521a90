/**
 * Resuming a PaddleSeg run (`--resume_model output/iter_1000`): the folder's `model.pdparams`
 * (weights), `model.pdopt` (the optimizer's state, when present) and the iteration from the
 * folder's name, as PaddleSeg's `resume()` reads them.
 *
 * Paddle names an optimizer's accumulators after its internal parameter names
 * (`conv2d_12.w_0_velocity_0`); the model file's `"StructuredToParameterName@@"` table maps
 * PaddleSeg's keys to those names, and {@link ./paddleseg_names.ts} maps them to seglab's. Momentum
 * (`_velocity_0`) and Adam/AdamW (`_moment1_0`, `_moment2_0`) accumulators carry over; Paddle's
 * velocity update (`v = μv + g`, `θ −= lr·v`) is seglab's.
 * @module
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { tf } from "../core/tf.ts";
import type { SegModel } from "../models/seg_model.ts";
import { readBytes } from "../core/runtime.ts";
import { PaddleCheckpointError } from "./errors.ts";
import { isNdArray, type NdArray, toFloat32 } from "./ndarray.ts";
import { FROM_PADDLE, paddleName } from "./paddleseg_names.ts";
import { type PyValue, readPickle } from "./pickle_reader.ts";
import { NAME_TABLE_KEY, readPdopt, stateDict } from "./pdparams.ts";

/** What a PaddleSeg checkpoint folder holds for resuming. */
export interface PaddleResume {
  dir: string;
  /** The weights (PaddleSeg keys). */
  state: Map<string, NdArray>;
  /** PaddleSeg key → Paddle's internal parameter name (from the model file). */
  table: Map<string, string>;
  /** The optimizer's state, when `model.pdopt` is there. */
  opt: Map<PyValue, PyValue> | null;
  /** Completed iterations: the folder's `iter_<k>`, else the LR scheduler's `last_epoch`. */
  iter: number;
}

/** Reads a PaddleSeg checkpoint folder, or returns null when `dir` is not one. */
export async function readPaddleResume(dir: string): Promise<PaddleResume | null> {
  const file = path.join(dir, "model.pdparams");
  if (!fs.existsSync(file) || fs.existsSync(path.join(dir, "model.json"))) return null;
  const raw = readPickle(await readBytes(file), file);
  const table = new Map<string, string>();
  if (raw instanceof Map) {
    const t = raw.get(NAME_TABLE_KEY);
    if (t instanceof Map) {
      for (const [k, v] of t) if (typeof k === "string" && typeof v === "string") table.set(k, v);
    }
  }
  const state = stateDict(raw, file);
  const optFile = path.join(dir, "model.pdopt");
  const opt = fs.existsSync(optFile) ? await readPdopt(optFile) : null;
  const fromName = path.basename(dir).match(/^iter_(\d+)$/);
  const sched = opt?.get("LR_Scheduler");
  const lastEpoch = sched instanceof Map ? sched.get("last_epoch") : undefined;
  const iter = fromName ? Number(fromName[1]) : typeof lastEpoch === "number" ? lastEpoch : NaN;
  if (!Number.isInteger(iter)) {
    throw new PaddleCheckpointError(
      `${dir}: cannot tell the iteration to resume from (the folder is not named iter_<k> and model.pdopt ` +
        `has no LR_Scheduler.last_epoch)`,
    );
  }
  return { dir, state, table, opt, iter };
}

const SLOTS: Record<string, [string, string][]> = {
  Momentum: [["velocity", "_velocity_0"]],
  Adam: [["moment1", "_moment1_0"], ["moment2", "_moment2_0"]],
  AdamW: [["moment1", "_moment1_0"], ["moment2", "_moment2_0"]],
  SGD: [],
};

/**
 * The optimizer slots (`<seglab weight>/<slot>` → tensor, caller disposes) of a PaddleSeg
 * `.pdopt` for `model` and an optimizer of `type`. Throws naming what is missing or mis-shaped.
 */
export function paddleOptimizerSlots(
  model: SegModel,
  r: PaddleResume,
  type: string,
): Record<string, tf.Tensor> {
  const kinds = SLOTS[type];
  if (!kinds) {
    throw new PaddleCheckpointError(
      `${r.dir}: resuming a ${type} optimizer from model.pdopt is not supported`,
    );
  }
  if (!r.opt || kinds.length === 0) return {};
  const out: Record<string, tf.Tensor> = {};
  const problems: string[] = [];
  try {
    for (const w of model.net.trainableWeights) {
      const shape = w.shape as number[];
      const { name, layout } = paddleName(w.originalName, shape.length);
      const internal = r.table.get(name);
      if (!internal) {
        problems.push(`${name} (not in the model file's name table)`);
        continue;
      }
      for (const [slot, suffix] of kinds) {
        const a = r.opt.get(`${internal}${suffix}`);
        if (!isNdArray(a)) {
          problems.push(`${internal}${suffix}`);
          continue;
        }
        const values = toFloat32(a, `${r.dir}/model.pdopt: ${internal}${suffix}`);
        out[`${w.originalName}/${slot}`] = tf.tidy(() => {
          const pshape = layout === "conv" ? [shape[3], shape[2], shape[0], shape[1]] : shape;
          if (a.shape.join(",") !== pshape.join(",")) {
            throw new PaddleCheckpointError(
              `${r.dir}/model.pdopt: ${internal}${suffix} has shape [${a.shape}], the weight ${name} [${pshape}]`,
            );
          }
          const t = tf.tensor(values, pshape, "float32");
          return layout === "conv" ? tf.transpose(t, FROM_PADDLE) : t;
        });
      }
    }
  } catch (e) {
    for (const t of Object.values(out)) t.dispose();
    throw e;
  }
  if (problems.length) {
    for (const t of Object.values(out)) t.dispose();
    throw new PaddleCheckpointError(
      `${r.dir}/model.pdopt lacks the ${type} state of ${problems.length} weight(s): ${
        problems.slice(0, 4).join(", ")
      }` +
        `${problems.length > 4 ? ", …" : ""} (is the config's optimizer the one this run used?)`,
    );
  }
  return out;
}
