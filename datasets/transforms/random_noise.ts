/**
 * `RandomNoise(prob=0.5, max_sigma=10.0)`: with probability `prob`, adds Gaussian noise of a
 * standard deviation drawn uniformly from [0, max_sigma] to every image value and clips to
 * [0, 255] (the image is in 0–255 until `Normalize`); the label is untouched.
 * @module
 */
import type { Rng } from "../rng.ts";
import { Params } from "./params.ts";
import type { Transform, WorkSample } from "./sample.ts";

/** A standard normal draw (Box–Muller) from the sample's random stream. */
export function gaussian(rng: Rng): number {
  const u = 1 - rng.next(), v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Builds a `RandomNoise` transform. */
export function randomNoise(raw: Record<string, unknown>): Transform {
  const p = new Params("RandomNoise", raw, ["prob", "max_sigma"]);
  const prob = p.number("prob", 0.5, (v) => (v >= 0 && v <= 1 ? null : "in [0, 1]"));
  const maxSigma = p.number("max_sigma", 10, (v) => (v >= 0 ? null : "≥ 0"));
  return {
    type: "RandomNoise",
    params: p.used,
    apply(s: WorkSample, rng: Rng): WorkSample {
      if (!(rng.next() < prob)) return s;
      const sigma = rng.next() * maxSigma;
      const image = new Float32Array(s.image.length);
      for (let i = 0; i < image.length; i++) {
        image[i] = Math.min(255, Math.max(0, s.image[i] + sigma * gaussian(rng)));
      }
      return { ...s, image };
    },
  };
}
