import assert from "node:assert/strict";
import { createTransforms } from "../../../datasets/transforms/mod.ts";
import { rngFor } from "../../../datasets/rng.ts";
import { pattern } from "./_pattern.ts";

Deno.test("RandomScaleAspect crops a window and resizes it back: same size, labels from one window, aligned", () => {
  const [t] = createTransforms([{ type: "RandomScaleAspect", min_scale: 0.5, aspect_ratio: 0.5 }]);
  let changed = 0;
  for (let k = 0; k < 30; k++) {
    const s = t.apply(pattern(32, 24), rngFor(6, k));
    assert.deepEqual([s.width, s.height], [32, 24]);
    const xs = Array.from(s.label!, (id) => id % 32), ys = Array.from(s.label!, (id) => Math.floor(id / 32));
    const span = (Math.max(...xs) - Math.min(...xs) + 1) * (Math.max(...ys) - Math.min(...ys) + 1);
    if (span < 32 * 24) changed++;
    assert.ok(span >= 0.5 * 32 * 24 * 0.5, `window covers ${span} pixels`);
    // Top-left output pixel: label and image come from the window's top-left source pixel.
    assert.ok(Math.abs(s.image[0] - xs[0]) <= 1 && Math.abs(s.image[1] - ys[0]) <= 1);
  }
  assert.ok(changed > 20, `crops drawn: ${changed}/30`);
  const [off] = createTransforms([{ type: "RandomScaleAspect", min_scale: 0 }]);
  const src = pattern(8, 8);
  assert.equal(off.apply(src, rngFor(1)), src);
});
