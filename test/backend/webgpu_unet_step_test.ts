/**
 * One training step of the reference U-Net (bench/unet_small.ts) on `webgpu` gives the same loss
 * and the same gradients as on `wasm`, within float32 tolerance (loss 1e-5 relative; gradients
 * in L2 norm, see the test): same weights (moved between
 * backends by `ready()`), same batch, MixedLoss CE + Lovász-Softmax. Needs a WebGPU adapter.
 */
import assert from "node:assert/strict";
import { createLoss, ready, setStrictAsyncReads, tf } from "../../lib/mod.ts";
import { buildUNet } from "../../bench/unet_small.ts";
import { webgpuTest } from "../support/webgpu.ts";

const SIZE = 32, BATCH = 2, CLASSES = 4;

async function step(
  model: tf.LayersModel,
  x: tf.Tensor4D,
  y: tf.Tensor3D,
): Promise<{ loss: number; grads: Map<string, Float32Array> }> {
  const loss = createLoss({
    type: "MixedLoss",
    losses: [{ type: "CrossEntropyLoss" }, { type: "LovaszSoftmaxLoss" }],
    coef: [0.8, 0.2],
  });
  const { value, grads } = tf.variableGrads(
    () => loss.compute(model.apply(x, { training: true }) as tf.Tensor4D, y),
    model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val),
  );
  const out = new Map<string, Float32Array>();
  for (const [k, g] of Object.entries(grads)) out.set(k, (await g.data()) as Float32Array);
  const l = (await value.data())[0];
  tf.dispose([value, ...Object.values(grads)]);
  return { loss: l, grads: out };
}

webgpuTest("one step of the reference U-Net: the same loss and gradients on webgpu as on wasm", async () => {
  setStrictAsyncReads(null);
  await ready("wasm", { quiet: true });
  const model = buildUNet(SIZE, CLASSES);
  // Seeded kernels (the layers' initialisers are not): the same network every run.
  const seed = Number(Deno.env.get("SEGLAB_TEST_SEED") ?? 3);
  model.setWeights(
    model.weights.map((w, i) =>
      w.name.endsWith("kernel")
        ? tf.randomNormal(
          w.shape as number[],
          0,
          Math.sqrt(2 / (w.shape as number[]).slice(0, -1).reduce((a, b) => a * b, 1)),
          "float32",
          seed + i,
        )
        : w.read()
    ),
  );
  const x = tf.randomNormal([BATCH, SIZE, SIZE, 3], 0, 1, "float32", 7) as tf.Tensor4D;
  const y = tf.randomUniform([BATCH, SIZE, SIZE], 0, CLASSES, "int32", 8) as tf.Tensor3D;
  try {
    const cpu = await step(model, x, y);
    await ready("webgpu", { quiet: true });
    setStrictAsyncReads(true);
    const gpu = await step(model, x, y);
    assert.ok(Math.abs(gpu.loss - cpu.loss) <= 1e-5 * Math.abs(cpu.loss), `loss ${gpu.loss} vs ${cpu.loss}`);
    assert.deepEqual([...gpu.grads.keys()], [...cpu.grads.keys()]);
    // All gradients together: ‖webgpu − wasm‖ / ‖wasm‖ (L2) within 1e-4. Per variable, the same
    // within 1e-3, or within 1e-4 of the whole gradient's norm: the gradient of a batch norm's
    // shift followed by another batch norm is a near-cancelling sum, small beside its terms, so
    // float32 rounding (summation order differs between backends) is large beside it.
    const sq = (a: Float32Array, b?: Float32Array) =>
      a.reduce((t, v, i) => t + (b ? (v - b[i]) ** 2 : v * v), 0);
    let allNorm = 0, allDiff = 0;
    const per: { k: string; norm: number; diff: number }[] = [];
    for (const [k, c] of cpu.grads) {
      const g = gpu.grads.get(k)!;
      const norm = Math.sqrt(sq(c)), diff = Math.sqrt(sq(g, c));
      per.push({ k, norm, diff });
      allNorm += norm * norm;
      allDiff += diff * diff;
    }
    const total = Math.sqrt(allDiff) / Math.sqrt(allNorm);
    if (Deno.env.get("SEGLAB_TEST_VERBOSE")) {
      const w = per.sort((a, b) => b.diff / b.norm - a.diff / a.norm)[0];
      console.log(`whole gradient: ${total}; worst variable ${w.k}: ${w.diff / w.norm} (norm ${w.norm})`);
    }
    assert.ok(total <= 1e-4, `‖webgpu − wasm‖ / ‖wasm‖ over all gradients = ${total}`);
    for (const v of per) {
      assert.ok(
        v.diff <= 1e-3 * v.norm + 1e-4 * Math.sqrt(allNorm),
        `gradient ${v.k}: ‖webgpu − wasm‖ = ${v.diff}, ‖wasm‖ = ${v.norm}, whole gradient ${
          Math.sqrt(allNorm)
        }`,
      );
    }
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
});
