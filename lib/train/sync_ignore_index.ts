/**
 * PaddleSeg's ignore-index sync: every loss in `loss.types` (and inside `MixedLoss`) that does
 * not set `ignore_index` gets the dataset's; one that sets a different value is an error naming
 * its key path — a silent mismatch would train on ignored pixels as a class.
 * @module
 */
import { ConfigError } from "../config/config_error.ts";
import { lossParams } from "../losses/create_loss.ts";

function syncSpec(spec: unknown, ignoreIndex: number, path: string): unknown {
  if (
    !spec || typeof spec !== "object" || Array.isArray(spec) ||
    typeof (spec as { type?: unknown }).type !== "string"
  ) return spec;
  const s = spec as Record<string, unknown>;
  if (s.type === "MixedLoss") {
    const losses = Array.isArray(s.losses)
      ? s.losses.map((l, i) => syncSpec(l, ignoreIndex, `${path}.losses[${i}]`))
      : s.losses;
    return { ...s, losses };
  }
  let params: Record<string, unknown>;
  try {
    params = lossParams(s.type as string);
  } catch {
    return spec; // unknown type: createLoss reports it with the list of types
  }
  if (!("ignore_index" in params)) return spec;
  if (s.ignore_index === undefined || s.ignore_index === null) return { ...s, ignore_index: ignoreIndex };
  if (s.ignore_index !== ignoreIndex) {
    throw new ConfigError(
      `${path}.ignore_index: is ${
        JSON.stringify(s.ignore_index)
      } but the dataset's ignore_index is ${ignoreIndex}; ` +
        `they must be the same (leave ignore_index out to use the dataset's)`,
    );
  }
  return spec;
}

/** The `loss:` section with the dataset's ignore index filled in (a copy). */
export function syncIgnoreIndex<T extends { types: unknown[]; coef: unknown }>(
  loss: T,
  ignoreIndex: number,
  path = "loss",
): T {
  return { ...loss, types: loss.types.map((t, i) => syncSpec(t, ignoreIndex, `${path}.types[${i}]`)) };
}
