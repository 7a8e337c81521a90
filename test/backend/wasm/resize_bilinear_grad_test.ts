/** seglab's wasm `ResizeBilinearGrad` (SIMD scatter) against the cpu backend. */
import { tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";

for (
  const [inShape, size, alignCorners] of [
    [[2, 4, 5, 8], [8, 10], false], // ×2, as tf.layers.upSampling2d({ interpolation: "bilinear" })
    [[1, 7, 3, 4], [14, 6], false], // odd sizes
    [[2, 5, 6, 8], [9, 13], false], // arbitrary ratios
    [[2, 5, 6, 8], [9, 13], true],
    [[1, 6, 6, 4], [3, 4], false], // down-sampling
    [[1, 4, 4, 3], [8, 8], false], // 3 channels: the shipped kernel
    [[1, 3, 5, 3], [6, 10], false], // … non-square
  ] as [number[], [number, number], boolean][]
) {
  Deno.test(`resizeBilinear gradient on wasm matches cpu: ${inShape} → ${size}, alignCorners ${alignCorners}`, async () => {
    await assertWasmMatchesCpu(
      "resize grad",
      () => {
        const x = randTensor<tf.Rank.R4>(inShape, 401);
        const r = randTensor([inShape[0], ...size, inShape[3]], 402);
        return [
          tf.grad((a: tf.Tensor) =>
            tf.sum(tf.mul(tf.image.resizeBilinear(a as tf.Tensor4D, size, alignCorners), r))
          )(x),
        ];
      },
      1e-5,
      1e-5,
    );
  });
}
