import assert from "node:assert/strict";
import { createTransforms } from "../../../datasets/transforms/mod.ts";
import { rngFor } from "../../../datasets/rng.ts";
import { pattern } from "./_pattern.ts";

Deno.test("ResizeRangeScaling sets the long side to a length in [min_value, max_value], keeping the aspect", () => {
  const [t] = createTransforms([{ type: "ResizeRangeScaling", min_value: 20, max_value: 30 }]);
  const longs = new Set<number>();
  for (let k = 0; k < 60; k++) {
    const s = t.apply(pattern(40, 20), rngFor(3, k));
    assert.ok(s.width >= 20 && s.width <= 30, String(s.width));
    assert.ok(Math.abs(s.height - s.width / 2) <= 0.5, `${s.width}×${s.height}`);
    // Nearest labels: every id is one of the source's.
    for (const id of s.label!) assert.ok(id >= 0 && id < 800);
    longs.add(s.width);
  }
  assert.ok(longs.size > 5, "lengths vary");
  const [fixed] = createTransforms([{ type: "ResizeRangeScaling", min_value: 10, max_value: 10 }]);
  assert.deepEqual([
    fixed.apply(pattern(20, 40), rngFor(1)).width,
    fixed.apply(pattern(20, 40), rngFor(1)).height,
  ], [5, 10]);
  assert.throws(
    () => createTransforms([{ type: "ResizeRangeScaling", min_value: 50, max_value: 40 }]),
    /≤ max_value/,
  );
});
