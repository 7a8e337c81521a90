import assert from "node:assert/strict";
import { createTransforms } from "../../../datasets/transforms/mod.ts";
import { rngFor } from "../../../datasets/rng.ts";
import { pattern } from "./_pattern.ts";

Deno.test("Padding pads bottom/right to target_size with per-channel image values and the ignore index", () => {
  const [t] = createTransforms([{ type: "Padding", target_size: [6, 5], im_padding_value: [1, 2, 3] }], {
    ignoreIndex: 250,
  });
  const s = t.apply(pattern(4, 3), rngFor(1));
  assert.deepEqual([s.width, s.height], [6, 5]);
  assert.deepEqual(
    Array.from(s.image.subarray((2 * 6 + 3) * 3, (2 * 6 + 3) * 3 + 3)),
    [3, 2, 99],
    "kept at (3, 2)",
  );
  assert.deepEqual(
    Array.from(s.image.subarray((2 * 6 + 4) * 3, (2 * 6 + 4) * 3 + 3)),
    [1, 2, 3],
    "padded right",
  );
  assert.equal(s.label![2 * 6 + 3], 2 * 4 + 3);
  assert.equal(s.label![4 * 6 + 0], 250, "padded bottom");
  assert.equal(t.apply(pattern(6, 5), rngFor(1)).width, 6, "already the size: unchanged");
  assert.throws(
    () => t.apply(pattern(7, 5), rngFor(1)),
    /Padding: the image \(7×5\) is larger than target_size \(6×5\)/,
  );
  assert.throws(() => createTransforms([{ type: "Padding" }]), /Padding: parameter "target_size" must be/);
});
