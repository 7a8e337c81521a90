import assert from "node:assert/strict";
import { createTransforms } from "../../../datasets/transforms/mod.ts";
import { rotateSample } from "../../../datasets/transforms/random_rotation.ts";
import { rngFor } from "../../../datasets/rng.ts";
import { pattern } from "./_pattern.ts";

Deno.test("RandomRotation: enlarged canvas, image and label stay aligned, corners padded", () => {
  const [t] = createTransforms([{ type: "RandomRotation", max_rotation: 30 }], { ignoreIndex: 255 });
  for (let k = 0; k < 20; k++) {
    const src = pattern(24, 16);
    const s = t.apply(src, rngFor(9, k));
    let checked = 0, padded = 0;
    for (let p = 0; p < s.width * s.height; p++) {
      const id = s.label![p];
      if (id === 255 && s.image[p * 3 + 2] !== 99) {
        padded++;
        continue;
      }
      // Interior pixels (no padding mixed in): the image's (x, y) is within half a pixel of the label's source.
      if (s.image[p * 3 + 2] !== 99 || id === 255) continue;
      const xs = id % 24, ys = Math.floor(id / 24);
      assert.ok(
        Math.abs(s.image[p * 3] - xs) <= 0.5 + 1e-4 && Math.abs(s.image[p * 3 + 1] - ys) <= 0.5 + 1e-4,
      );
      checked++;
    }
    assert.ok(checked > 300, `checked ${checked}`);
    assert.ok(s.width >= 24 && s.height >= 16);
    if (s.width * s.height > 24 * 16 + 40) assert.ok(padded > 0, "corners are padded");
  }
});

Deno.test("rotateSample: 0° is the identity, 90° turns the image counter-clockwise on a swapped canvas", () => {
  const src = pattern(6, 4);
  const same = rotateSample(src, 0, [127.5], 255);
  assert.deepEqual(Array.from(same.label!), Array.from(src.label!));
  const r = rotateSample(pattern(6, 4), 90, [127.5], 255);
  assert.deepEqual([r.width, r.height], [4, 6]);
  // Counter-clockwise about (w//2, h//2) = (3, 2), as OpenCV's matrix: the source's top-right corner
  // (5, 0) lands at (0, 1); the top row samples x = 6, outside the source, so it is padding.
  assert.equal(r.label![1 * 4 + 0], 5);
  assert.deepEqual(Array.from(r.label!.subarray(0, 4)), [255, 255, 255, 255]);
  assert.equal(r.label![5 * 4 + 3], 4 * 6 - 6 + 1, "bottom-right ← source (1, 3)");
  const [off] = createTransforms([{ type: "RandomRotation", max_rotation: 0 }]);
  assert.equal(off.apply(src, rngFor(1)), src);
});
