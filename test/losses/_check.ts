/**
 * Evaluates a fixture case with seglab (loss and gradient with respect to every logits tensor)
 * and compares it with the reference at the fixtures README's float32 tolerances.
 */
import { createLoss, createLossConfig, settleLossChecks, tf } from "../../lib/mod.ts";
import { type Fixture, labelTensor, nhwcTensor } from "./_fixtures.ts";
import { generateInputs, gradSummary, toNCHW, toNHWC } from "./_recipes.ts";
import { assertAllClose, assertClose } from "../support/assert_close.ts";

/** Float32 tolerances from the fixtures README. */
export const TOL = { lossAbs: 1e-5, lossRel: 1e-4, gradAbs: 1e-6, gradRel: 1e-4 };

function flattenNCHW(x: number[][][][]): number[] {
  return x.flat(3);
}

/**
 * loss, PaddleSeg-style term values, and NCHW gradients for each logits input, read with
 * `await data()` (so the same check runs on webgpu), after the losses' input checks settled.
 */
export async function evaluate(
  f: Fixture,
  logits: tf.Tensor4D[],
  labels: tf.Tensor3D,
): Promise<{ loss: number; terms: number[]; grads: Float64Array[] }> {
  const isConfig = f.type === "LossConfig";
  const cfg = isConfig ? createLossConfig(f.params as never) : null;
  const loss = isConfig ? null : createLoss({ type: f.type, ...f.params });
  const fn = (...xs: tf.Tensor[]) =>
    cfg ? cfg.compute(xs as tf.Tensor4D[], labels) : loss!.compute(xs[0] as tf.Tensor4D, labels);
  const { value, grads } = tf.tidy(() => {
    const g = tf.grads((...xs: tf.Tensor[]) => fn(...xs));
    const gs = g(logits);
    return { value: fn(...logits), grads: gs };
  });
  const termTensors = cfg ? cfg.terms(logits, labels) : loss!.terms(logits[0], labels);
  try {
    await settleLossChecks();
    const terms: number[] = [];
    for (const t of termTensors) terms.push((await t.value.data())[0]);
    const gradValues: Float64Array[] = [];
    for (const [i, g] of grads.entries()) {
      gradValues.push(toNCHW(await g.data() as Float32Array, nchwShape(logits[i])));
    }
    return { loss: (await value.data())[0], terms, grads: gradValues };
  } finally {
    termTensors.forEach((t) => t.value.dispose());
    value.dispose();
    grads.forEach((g) => g.dispose());
  }
}

function nchwShape(t: tf.Tensor): number[] {
  const [n, h, w, c] = t.shape;
  return [n, c, h, w];
}

/** Checks a small (full-tensor) fixture. */
export async function checkSmallFixture(f: Fixture): Promise<void> {
  const logitsList = (f.type === "LossConfig" ? f.logits : [f.logits]) as number[][][][][];
  const gradList = (f.type === "LossConfig" ? f.grad : [f.grad]) as number[][][][][];
  const logits = logitsList.map((l) => nhwcTensor(l));
  const labels = labelTensor(f.labels);
  try {
    const r = await evaluate(f, logits, labels);
    assertClose(r.loss, f.loss, TOL.lossAbs, TOL.lossRel, `${f.name}: loss`);
    gradList.forEach((g, i) =>
      assertAllClose(r.grads[i], flattenNCHW(g), TOL.gradAbs, TOL.gradRel, `${f.name}: grad[${i}]`)
    );
    if (f.loss_list) {
      assertAllClose(r.terms, f.loss_list, TOL.lossAbs, TOL.lossRel, `${f.name}: loss_list`);
    }
  } finally {
    logits.forEach((t) => t.dispose());
    labels.dispose();
  }
}

interface GradSummaryRef {
  sum: number;
  abs_sum: number;
  sq_sum: number;
  max_abs: number;
  weighted_sum: number;
  abs_sum_per_channel: number[];
  samples: { index: number[]; value: number }[];
  sample_seed: number;
}

/** Checks a compact (recipe) fixture: inputs regenerated and verified, then loss and gradient statistics. */
export async function checkCompactFixture(f: Fixture): Promise<void> {
  const { shape, logitsNCHW, labels } = generateInputs(f);
  const rc = f.recipe_check as Record<string, unknown>;
  assertAllClose(
    Array.from(logitsNCHW.slice(0, 8)),
    rc.logits_first8 as number[],
    0,
    0,
    `${f.name}: recipe logits`,
  );
  assertAllClose(
    Array.from(labels.slice(0, 16)),
    rc.labels_first16 as number[],
    0,
    0,
    `${f.name}: recipe labels`,
  );
  assertClose(
    labels.filter((v) => v === 255).length,
    rc.ignored_pixels as number,
    0,
    0,
    `${f.name}: ignored pixels`,
  );
  const [n, c, h, w] = shape;
  const x = tf.tensor4d(toNHWC(logitsNCHW, shape), [n, h, w, c]);
  const y = tf.tensor3d(labels, [n, h, w], "int32");
  try {
    const r = await evaluate(f, [x], y);
    assertClose(r.loss, f.loss, TOL.lossAbs, TOL.lossRel, `${f.name}: loss`);
    const ref = f.grad_summary as GradSummaryRef;
    const s = gradSummary(r.grads[0], shape, ref.sample_seed);
    assertClose(s.absSum, ref.abs_sum, 0, 1e-3, `${f.name}: grad abs_sum`);
    assertClose(s.sqSum, ref.sq_sum, 0, 1e-3, `${f.name}: grad sq_sum`);
    assertClose(
      s.weighted,
      ref.weighted_sum,
      1e-3 * ref.abs_sum * 1e-3,
      1e-3,
      `${f.name}: grad weighted_sum`,
    );
    assertClose(s.sum, ref.sum, 1e-3 * ref.abs_sum, 0, `${f.name}: grad sum`);
    assertAllClose(s.perChannel, ref.abs_sum_per_channel, 0, 1e-3, `${f.name}: grad abs_sum per channel`);
    const g = r.grads[0];
    ref.samples.forEach((smp, k) => {
      const [a, kk, yy, xx] = smp.index;
      const flat = ((a * c + kk) * h + yy) * w + xx;
      if (k < 16) assertClose(flat, s.samples[k], 0, 0, `${f.name}: sample position ${k}`);
      assertClose(g[flat], smp.value, 3e-3 * ref.max_abs, 0, `${f.name}: grad sample ${k} at [${smp.index}]`);
    });
  } finally {
    x.dispose();
    y.dispose();
  }
}
