import assert from "node:assert/strict";
import { lovaszSoftmaxFused } from "../../lib/losses/lovasz_softmax_fused.ts";
import type { LovaszClasses } from "../../lib/losses/lovasz_classes.ts";
import { lovaszSoftmaxTyped } from "./_lovasz_softmax_class_major.ts";

/** A deterministic generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Pixel-major softmax probabilities (with exact ties: some logits repeat), labels with ignored pixels. */
function inputs(n: number, hw: number, c: number, seed: number) {
  const r = rng(seed), m = n * hw;
  const probs = new Float32Array(m * c), labels = new Int32Array(m);
  for (let j = 0; j < m; j++) {
    const z = Array.from({ length: c }, () => (r() < 0.2 ? 1 : Math.round((r() * 6 - 3) * 8) / 8));
    const mx = Math.max(...z);
    const e = z.map((v) => Math.exp(v - mx));
    const s = e.reduce((a, b) => a + b, 0);
    e.forEach((v, k) => (probs[j * c + k] = v / s));
    // Class c-1 is absent: "all" and lists must handle absent classes.
    labels[j] = r() < 0.1 ? 255 : Math.floor(r() * (c - 1));
  }
  return { probs, labels, m };
}

/** d loss / d logits from the class-major typed kernel's d loss / d p, in float64. */
function viaTyped(
  probs: Float32Array,
  labels: Int32Array,
  n: number,
  hw: number,
  c: number,
  classes: LovaszClasses,
  perImage: boolean,
) {
  const m = n * hw;
  const cm = new Float32Array(m * c);
  for (let j = 0; j < m; j++) for (let k = 0; k < c; k++) cm[k * m + j] = probs[j * c + k];
  const r = lovaszSoftmaxTyped({
    probs: cm,
    labels,
    n,
    hw,
    c,
    classes,
    perImage,
    ignoreIndex: 255,
    wantGrad: true,
  });
  const dz = new Float64Array(m * c);
  for (let j = 0; j < m; j++) {
    let dot = 0;
    for (let k = 0; k < c; k++) dot += probs[j * c + k] * r.gradProbs![k * m + j];
    for (let k = 0; k < c; k++) dz[j * c + k] = probs[j * c + k] * (r.gradProbs![k * m + j] - dot);
  }
  return { loss: r.loss, dz };
}

Deno.test("fused Lovász-Softmax: the class-major kernel's loss bit for bit, its gradient through the softmax to float32 rounding", () => {
  const cases: [number, number, number, LovaszClasses, boolean][] = [
    [2, 700, 5, "present", false],
    [2, 700, 5, "present", true],
    [3, 300, 4, "all", false],
    [3, 300, 4, "all", true],
    [2, 500, 6, [0, 2, 5], false],
    [1, 2000, 19, "present", false],
  ];
  cases.forEach(([n, hw, c, classes, perImage], i) => {
    const { probs, labels } = inputs(n, hw, c, 100 + i);
    const ref = viaTyped(probs, labels, n, hw, c, classes, perImage);
    const r = lovaszSoftmaxFused({
      probs,
      labels,
      n,
      hw,
      c,
      classes,
      perImage,
      ignoreIndex: 255,
      wantGrad: true,
    });
    assert.equal(r.loss, ref.loss, `case ${i}: loss`);
    let maxG = 0, maxD = 0;
    for (let t = 0; t < ref.dz.length; t++) {
      maxG = Math.max(maxG, Math.abs(ref.dz[t]));
      maxD = Math.max(maxD, Math.abs(ref.dz[t] - r.gradLogits![t]));
    }
    assert.ok(maxG > 0, `case ${i}: zero gradient`);
    assert.ok(maxD <= 1e-6 * maxG, `case ${i}: gradient differs by ${maxD} (max ${maxG})`);
    // Without a tape: the same loss and no gradient.
    const f = lovaszSoftmaxFused({
      probs,
      labels,
      n,
      hw,
      c,
      classes,
      perImage,
      ignoreIndex: 255,
      wantGrad: false,
    });
    assert.equal(f.loss, ref.loss);
    assert.equal(f.gradLogits, null);
  });
});
