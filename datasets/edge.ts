/**
 * PaddleSeg's `mask_to_binary_edge(label, radius, num_classes)` (from Gated-SCNN): for each
 * class, the Euclidean distance transforms of its mask (zero-padded by one pixel) and of its
 * complement are added, distances above `radius` dropped, and any pixel left non-zero is edge.
 * In closed form, a pixel is an edge when
 * - it has a class c and some point within `radius` (Euclidean) is not c — another class,
 *   an ignored pixel, or outside the image (so the image border is edge, as in PaddleSeg), or
 * - it has no class (ignored) and some pixel of a class lies within `radius`.
 *
 * BCE edge losses (`BCELoss` with `edge_label: true`) train on it. PaddleSeg computes it after
 * the transforms, on the cropped label; so does seglab.
 * @module
 */
import type { LabelArray } from "./transforms/sample.ts";

/** The binary edge map (0/1) of a label map. */
export function maskToBinaryEdge(
  label: LabelArray,
  width: number,
  height: number,
  numClasses: number,
  radius = 2,
): Uint8Array {
  if (!(radius >= 1)) throw new Error(`mask_to_binary_edge: radius must be ≥ 1, got ${radius}`);
  const r = Math.floor(radius);
  const offs: [number, number][] = [];
  for (let dy = -r; dy <= r; dy++) {
    for (let dx = -r; dx <= r; dx++) {
      if ((dx || dy) && dx * dx + dy * dy <= radius * radius) offs.push([dx, dy]);
    }
  }
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = label[y * width + x];
      const isClass = v >= 0 && v < numClasses;
      let edge = 0;
      for (const [dx, dy] of offs) {
        const qx = x + dx, qy = y + dy;
        const inside = qx >= 0 && qx < width && qy >= 0 && qy < height;
        if (isClass) {
          if (!inside || label[qy * width + qx] !== v) {
            edge = 1;
            break;
          }
        } else if (inside) {
          const q = label[qy * width + qx];
          if (q >= 0 && q < numClasses) {
            edge = 1;
            break;
          }
        }
      }
      out[y * width + x] = edge;
    }
  }
  return out;
}
