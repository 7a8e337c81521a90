/**
 * The rounding error of the two Winograd kernels on the reference U-Net's 3×3 layers (batch 4,
 * `bench/unet_small.ts` shapes with at least 16 channels): per layer and input kind (random normal,
 * and the same through a ReLU), max |y − y_direct| / max |y_direct| of F(2×2, 3×3) (`f23`) and
 * F(4×4, 3×3) (`f43`) against seglab's direct SIMD kernel, for the forward pass and the input
 * gradient. He-scaled weights. Prints one JSON document.
 *
 *   deno run -A bench/winograd_error.ts
 */
import { ready, tf } from "../lib/mod.ts";
import { setWinogradMode, type WinogradMode } from "../lib/backend/wasm/conv3x3_choice.ts";

const SHAPES: [number, number, number][] = [
  [128, 16, 16],
  [128, 48, 16],
  [64, 32, 32],
  [64, 96, 32],
  [32, 64, 64],
  [32, 128, 64],
  [16, 64, 64],
];

function relError(a: Float32Array, e: Float32Array): number {
  let d = 0, m = 0;
  for (let i = 0; i < e.length; i++) {
    d = Math.max(d, Math.abs(a[i] - e[i]));
    m = Math.max(m, Math.abs(e[i]));
  }
  return Number((d / m).toExponential(2));
}

await ready("wasm", { quiet: true });
const rows = [];
for (const [h, ci, co] of SHAPES) {
  for (const kind of ["normal", "relu"]) {
    const outs = tf.tidy(() => {
      const r = tf.randomNormal([4, h, h, ci], 0, 1, "float32", 1) as tf.Tensor4D;
      const x = kind === "relu" ? tf.relu(r) : r;
      const w = tf.randomNormal([3, 3, ci, co], 0, Math.sqrt(2 / (9 * ci)), "float32", 2) as tf.Tensor4D;
      const dy = tf.randomNormal([4, h, h, co], 0, 1, "float32", 3) as tf.Tensor4D;
      const run = (m: WinogradMode) => {
        setWinogradMode(m);
        return [
          tf.conv2d(x, w, 1, "same").dataSync() as Float32Array,
          tf.conv2dTranspose(dy, w, [4, h, h, ci], 1, "same").dataSync() as Float32Array,
        ];
      };
      return { off: run("off"), f23: run("f23"), f43: run("f43") };
    });
    rows.push({
      layer: `${h}x${h} ${ci}→${co}`,
      input: kind,
      forward: { f23: relError(outs.f23[0], outs.off[0]), f43: relError(outs.f43[0], outs.off[0]) },
      input_gradient: { f23: relError(outs.f23[1], outs.off[1]), f43: relError(outs.f43[1], outs.off[1]) },
    });
  }
}
setWinogradMode("on");
console.log(JSON.stringify({ benchmark: "winograd_error", batch: 4, rows }, null, 1));
