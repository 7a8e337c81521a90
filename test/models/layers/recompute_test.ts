import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { createModel, type SegModel, withForwardSeed } from "../../../lib/models/mod.ts";
import { recomputeBlocks, setRecompute } from "../../../lib/models/layers/recompute.ts";
import { fileIO } from "../../../lib/train/mod.ts";
import { OCR_TINY_DROPOUT } from "../../support/tiny_ocrnet.ts";

// Dropout on: the recomputed forward pass must draw the same mask.
const TINY = { ...OCR_TINY_DROPOUT, num_classes: 3 };

/** Loss, gradients (by weight name) and BN moving statistics after one gradient step. */
function step(m: SegModel, x: tf.Tensor4D, seed: number) {
  const vars = m.trainableVariables;
  const { value, grads } = tf.variableGrads(
    () =>
      withForwardSeed(seed, () => {
        const [main, aux] = m.apply(x, { training: true });
        return tf.add(tf.mean(tf.square(main)), tf.mul(tf.mean(tf.abs(aux)), 0.4)) as tf.Scalar;
      }),
    vars,
  );
  const out = {
    loss: value.dataSync()[0],
    grads: Object.fromEntries(
      vars.map((v, i) => [m.net.trainableWeights[i].originalName, grads[v.name].dataSync() as Float32Array]),
    ),
    stats: Object.fromEntries(
      m.namedWeights().filter((w) => !w.trainable).map((w) => [w.name, w.tensor.dataSync() as Float32Array]),
    ),
  };
  value.dispose();
  tf.dispose(grads);
  return out;
}

/** Largest |a − b| and largest |a|, |b|. */
function diff(a: Float32Array, b: Float32Array): { d: number; s: number } {
  let d = 0, s = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    s = Math.max(s, Math.abs(a[i]), Math.abs(b[i]));
  }
  return { d, s };
}

function maxRel(a: Float32Array, b: Float32Array): number {
  const { d, s } = diff(a, b);
  return s === 0 ? d : d / s;
}

for (const backend of ["cpu", "wasm"]) {
  Deno.test(`recomputation: same loss, gradients and BN statistics as keeping activations, no leak [${backend}]`, async () => {
    await ready(backend, { quiet: true });
    const a = createModel(TINY, { seed: 7 }), b = createModel(TINY, { seed: 7 });
    const x = tf.randomNormal([2, 64, 48, 3], 0, 1, "float32", 3) as tf.Tensor4D;
    try {
      // Stem, 1 bottleneck, 3 stage modules, the backbone tail and 4 head blocks.
      assert.equal(recomputeBlocks(a.net).length, 10);
      setRecompute(a.net, false);
      assert.equal(setRecompute(b.net, true), 10);
      const plain = step(a, x, 11), rec = step(b, x, 11);
      assert.ok(
        Math.abs(plain.loss - rec.loss) <= 1e-6 * Math.abs(plain.loss),
        `${plain.loss} vs ${rec.loss}`,
      );
      const names = Object.keys(plain.grads);
      const bad: string[] = [];
      // Relative per weight, with an absolute floor for the gradients that are 0 up to rounding
      // (a convolution's bias before batch norm).
      const top = Math.max(...names.map((n) => diff(plain.grads[n], plain.grads[n]).s));
      for (const n of names) {
        const { d, s } = diff(plain.grads[n], rec.grads[n]);
        if (d > 1e-4 * s + 1e-6 * top) bad.push(`${n}: ${d.toExponential(2)} (max ${s.toExponential(2)})`);
      }
      assert.deepEqual(bad, []);
      // BN moving statistics were updated once in both (not twice in the recomputed model).
      for (const n of Object.keys(plain.stats)) {
        assert.ok(maxRel(plain.stats[n], rec.stats[n]) < 1e-5, `${n} differs`);
      }
      assert.ok(Object.keys(plain.stats).some((n) => plain.stats[n].some((v) => v !== 0 && v !== 1)));
      // No tensor leak across steps.
      step(b, x, 12);
      const before = tf.memory().numTensors;
      for (let i = 0; i < 2; i++) step(b, x, 13 + i);
      assert.equal(tf.memory().numTensors, before);
      // Evaluation ignores the switch.
      const e1 = tf.tidy(() => a.apply(x)[0].dataSync()), e2 = tf.tidy(() => b.apply(x)[0].dataSync());
      assert.equal(e1.length, e2.length);
    } finally {
      a.dispose();
      b.dispose();
      x.dispose();
    }
  });
}

Deno.test("a model with recomputation blocks saves and loads with tf.loadLayersModel, same outputs", async () => {
  await ready("wasm", { quiet: true });
  const m = createModel(TINY, { seed: 5 });
  const dir = await Deno.makeTempDir();
  try {
    await m.net.save(fileIO(dir));
    const loaded = await tf.loadLayersModel(fileIO(dir));
    assert.equal(recomputeBlocks(loaded).length, 10);
    assert.deepEqual(loaded.weights.map((w) => w.originalName), m.net.weights.map((w) => w.originalName));
    const x = tf.randomNormal([1, 64, 32, 3], 0, 1, "float32", 9);
    const [a, b] = [m.net, loaded].map((n) => (n.apply(x) as tf.Tensor[])[0].dataSync());
    assert.ok(a.length > 0 && a.every((v, i) => v === b[i]));
    loaded.dispose();
    x.dispose();
  } finally {
    m.dispose();
    await Deno.remove(dir, { recursive: true });
  }
});
