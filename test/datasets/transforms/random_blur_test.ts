import assert from "node:assert/strict";
import { createTransforms } from "../../../datasets/transforms/mod.ts";
import { blurImage, gaussianKernel } from "../../../datasets/transforms/random_blur.ts";
import { rngFor } from "../../../datasets/rng.ts";
import type { WorkSample } from "../../../datasets/transforms/mod.ts";

function impulse(): WorkSample {
  const W = 9, H = 9;
  const image = new Float32Array(W * H).fill(0);
  image[4 * W + 4] = 160;
  return { image, label: new Uint8Array(W * H).fill(1), width: W, height: H, channels: 1 };
}

Deno.test("RandomBlur: OpenCV's kernels (Gaussian table, box, median), the label untouched", () => {
  assert.deepEqual(gaussianKernel(3), [0.25, 0.5, 0.25]);
  const k9 = gaussianKernel(9);
  assert.ok(Math.abs(k9.reduce((a, b) => a + b, 0) - 1) < 1e-12 && k9[4] > k9[3]);
  const g = blurImage(impulse(), "gaussian", 3);
  assert.deepEqual(Array.from(g.subarray(3 * 9 + 3, 3 * 9 + 6)), [10, 20, 10]); // 160·[1,2,1]ᵀ[1,2,1]/16
  assert.equal(g[4 * 9 + 4], 40);
  const box = blurImage(impulse(), "blur", 3);
  assert.equal(box[4 * 9 + 4], Math.round(160 / 9));
  assert.equal(blurImage(impulse(), "median", 3)[4 * 9 + 4], 0, "a lone impulse is removed by the median");
  const [always] = createTransforms([{ type: "RandomBlur", prob: 1, blur_type: "random" }]);
  const s = always.apply(impulse(), rngFor(2));
  assert.ok(s.image[4 * 9 + 4] < 160);
  assert.deepEqual(Array.from(s.label!), Array(81).fill(1));
  const [rare] = createTransforms([{ type: "RandomBlur", prob: 0.25 }]);
  let n = 0;
  for (let k = 0; k < 400; k++) if (rare.apply(impulse(), rngFor(4, k)).image[40] !== 160) n++;
  assert.ok(n > 60 && n < 140, `1 in int(1/prob) draws blur: ${n}/400`);
  assert.throws(
    () => createTransforms([{ type: "RandomBlur", blur_type: "motion" }]),
    /one of gaussian, median, blur, random/,
  );
});
