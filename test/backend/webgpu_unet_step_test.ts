/**
 * One training step of the reference U-Net (bench/unet_small.ts) on `webgpu` gives the same loss
 * and the same gradients as on `wasm`, within float32 tolerance: same weights (moved between
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
  const x = tf.randomNormal([BATCH, SIZE, SIZE, 3], 0, 1, "float32", 7) as tf.Tensor4D;
  const y = tf.randomUniform([BATCH, SIZE, SIZE], 0, CLASSES, "int32", 8) as tf.Tensor3D;
  try {
    const cpu = await step(model, x, y);
    await ready("webgpu", { quiet: true });
    setStrictAsyncReads(true);
    const gpu = await step(model, x, y);
    assert.ok(Math.abs(gpu.loss - cpu.loss) <= 1e-5 * Math.abs(cpu.loss), `loss ${gpu.loss} vs ${cpu.loss}`);
    assert.deepEqual([...gpu.grads.keys()], [...cpu.grads.keys()]);
    let worst = 0, where = "";
    for (const [k, c] of cpu.grads) {
      const g = gpu.grads.get(k)!;
      let scale = 0, diff = 0;
      for (let i = 0; i < c.length; i++) {
        scale = Math.max(scale, Math.abs(c[i]));
        diff = Math.max(diff, Math.abs(g[i] - c[i]));
      }
      const rel = diff / Math.max(scale, 1e-12);
      if (rel > worst) [worst, where] = [rel, k];
    }
    if (Deno.env.get("SEGLAB_TEST_VERBOSE")) {
      console.log(`worst relative gradient difference ${worst} at ${where}`);
    }
    assert.ok(worst <= 1e-4, `gradient ${where}: max |webgpu − wasm| / max |wasm| = ${worst}`);
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
});
