/** Test samples whose values reveal where each pixel came from. */
import type { WorkSample } from "../../../datasets/transforms/mod.ts";

/** Image (R, G, B) = (x, y, 99); label = the pixel's index y·W + x (Int32), so misalignment shows. */
export function pattern(W: number, H: number): WorkSample {
  const image = new Float32Array(W * H * 3), label = new Int32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      image.set([x, y, 99], (y * W + x) * 3);
      label[y * W + x] = y * W + x;
    }
  }
  return { image, label, height: H, width: W, channels: 3 };
}
