import assert from "node:assert/strict";
import { createTransforms } from "../../../datasets/transforms/mod.ts";
import { rngFor } from "../../../datasets/rng.ts";
import type { WorkSample } from "../../../datasets/transforms/mod.ts";

Deno.test("RandomNoise adds zero-mean Gaussian noise up to max_sigma, clipped to 0–255, the label untouched", () => {
  const flat = (): WorkSample => ({
    image: new Float32Array(64 * 64 * 3).fill(128),
    label: new Uint8Array(64 * 64).fill(3),
    width: 64,
    height: 64,
    channels: 3,
  });
  const [t] = createTransforms([{ type: "RandomNoise", prob: 1, max_sigma: 20 }]);
  const s = t.apply(flat(), rngFor(8));
  const n = s.image.length;
  const mean = s.image.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(s.image.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  assert.ok(Math.abs(mean - 128) < 0.5, `mean ${mean}`);
  assert.ok(sd > 0 && sd <= 20.5, `sd ${sd}`);
  assert.deepEqual(new Set(s.label), new Set([3]));
  const [clip] = createTransforms([{ type: "RandomNoise", prob: 1, max_sigma: 1000 }]);
  const c = clip.apply(flat(), rngFor(1));
  assert.ok(c.image.every((v) => v >= 0 && v <= 255));
  const [never] = createTransforms([{ type: "RandomNoise", prob: 0 }]);
  const f = flat();
  assert.equal(never.apply(f, rngFor(1)), f);
});
