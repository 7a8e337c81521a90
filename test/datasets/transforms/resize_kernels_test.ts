import assert from "node:assert/strict";
import {
  resizeBilinear,
  resizeNearestLabel,
  roundHalfEven,
} from "../../../datasets/transforms/resize_kernels.ts";

Deno.test("resizeBilinear follows cv2.INTER_LINEAR: half-pixel centres, clamped edges", () => {
  // cv2.resize(np.float32([[0, 10, 20, 30]]), (8, 1)) == [0, 2.5, 7.5, 12.5, 17.5, 22.5, 27.5, 30]
  const up = resizeBilinear(Float32Array.from([0, 10, 20, 30]), 1, 4, 1, 1, 8);
  assert.deepEqual(Array.from(up), [0, 2.5, 7.5, 12.5, 17.5, 22.5, 27.5, 30]);
  // Halving averages pixel pairs: [0,10,20,30] → [5, 25]
  assert.deepEqual(Array.from(resizeBilinear(Float32Array.from([0, 10, 20, 30]), 1, 4, 1, 1, 2)), [5, 25]);
  // Separable in 2-D with channels: a constant image stays constant.
  const c = resizeBilinear(new Float32Array(5 * 7 * 3).fill(42), 5, 7, 3, 11, 3);
  assert.ok(c.every((v) => v === 42));
  assert.equal(c.length, 11 * 3 * 3);
});

Deno.test("resizeNearestLabel follows cv2.INTER_NEAREST: floor(x · src/dst)", () => {
  assert.deepEqual(Array.from(resizeNearestLabel(Uint8Array.from([1, 2]), 1, 2, 1, 5)), [1, 1, 1, 2, 2]);
  assert.deepEqual(Array.from(resizeNearestLabel(Uint8Array.from([1, 2, 3, 4]), 1, 4, 1, 2)), [1, 3]);
  const big = resizeNearestLabel(Int32Array.from([1000, 2000]), 2, 1, 3, 1);
  assert.ok(big instanceof Int32Array);
  assert.deepEqual(Array.from(big), [1000, 1000, 2000]);
});

Deno.test("roundHalfEven is Python's round", () => {
  assert.deepEqual([0.5, 1.5, 2.5, -0.5, 2.4, 2.6, 767.5].map(roundHalfEven), [0, 2, 2, -0, 2, 3, 768]);
});
