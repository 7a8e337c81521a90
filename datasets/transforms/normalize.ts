/**
 * `Normalize(mean=[0.5, 0.5, 0.5], std=[0.5, 0.5, 0.5])`: `(x/255 − mean)/std` per channel, so
 * the defaults map 0–255 to [−1, 1].
 * @module
 */
import { Params, TransformError } from "./params.ts";
import type { Transform, WorkSample } from "./sample.ts";

/** Builds a `Normalize` transform. */
export function normalize(raw: Record<string, unknown>): Transform {
  const p = new Params("Normalize", raw, ["mean", "std"]);
  const read = (name: string) => {
    const v = raw[name] ?? [0.5, 0.5, 0.5];
    const a = typeof v === "number" ? [v] : v;
    if (!Array.isArray(a) || a.length === 0 || !a.every((x) => typeof x === "number" && Number.isFinite(x))) {
      p.fail(name, "a number or a list of numbers", v);
    }
    p.used[name] = v;
    return a as number[];
  };
  const mean = read("mean"), std = read("std");
  if (std.some((v) => v === 0)) p.fail("std", "non-zero", std);
  return {
    type: "Normalize",
    params: p.used,
    apply(s: WorkSample): WorkSample {
      const c = s.channels;
      const pick = (a: number[], name: string) => {
        if (a.length === 1) return Array(c).fill(a[0]);
        if (a.length === c) return a;
        throw new TransformError(`Normalize: ${name} has ${a.length} values but the image has ${c} channels`);
      };
      const m = pick(mean, "mean"), sd = pick(std, "std");
      const image = new Float32Array(s.image.length);
      const src = s.image;
      for (let k = 0; k < c; k++) {
        const mk = m[k], sk = sd[k];
        for (let i = k; i < src.length; i += c) image[i] = (src[i] / 255 - mk) / sk;
      }
      return { ...s, image };
    },
  };
}
