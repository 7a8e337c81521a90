/**
 * Confusion matrices over a validation set: rows are labels, columns predictions, counts in
 * float64. Pixels whose label is `ignore_index` are skipped, as in PaddleSeg's `calculate_area`;
 * the counts are summed over the whole set (dataset-level, not a mean of per-image scores).
 *
 * @example
 * ```ts
 * import { addToConfusion, emptyConfusion, segMetrics } from "seglab";
 * const cm = emptyConfusion(2);
 * addToConfusion(cm, Int32Array.of(0, 1, 1), Int32Array.of(0, 1, 255));  // pred, label
 * segMetrics(cm).miou;                                                      // 1
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { readData, requireSyncReads } from "../backend/read.ts";

/** A `numClasses × numClasses` confusion matrix: `counts[label * numClasses + pred]`. */
export interface ConfusionMatrix {
  readonly numClasses: number;
  readonly ignoreIndex: number;
  readonly counts: Float64Array;
}

/** An all-zero confusion matrix. */
export function emptyConfusion(numClasses: number, ignoreIndex = 255): ConfusionMatrix {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new Error(`confusion matrix: numClasses must be a positive integer, got ${numClasses}`);
  }
  return { numClasses, ignoreIndex, counts: new Float64Array(numClasses * numClasses) };
}

type Labels = tf.Tensor | ArrayLike<number>;

function values(x: Labels, asyncForm: string): ArrayLike<number> {
  if (!(x instanceof tf.Tensor)) return x;
  requireSyncReads("confusion matrix", `await ${asyncForm}(…) (or pass await t.data())`);
  return x.dataSync() as ArrayLike<number>;
}

/**
 * Adds the pixels of `pred` against `label` (same size; tensors or arrays of class ids) to `cm`,
 * in place, and returns it. A label outside `[0, C)` that is not `ignore_index`, or a prediction
 * outside `[0, C)`, is an error naming the value.
 */
export function addToConfusion(cm: ConfusionMatrix, pred: Labels, label: Labels): ConfusionMatrix {
  return addValues(
    cm,
    pred,
    label,
    values(pred, "addToConfusionAsync"),
    values(label, "addToConfusionAsync"),
  );
}

/** {@linkcode addToConfusion} reading tensors with `await data()`: works on every backend (webgpu too). */
export async function addToConfusionAsync(
  cm: ConfusionMatrix,
  pred: Labels,
  label: Labels,
): Promise<ConfusionMatrix> {
  const read = async (x: Labels) => x instanceof tf.Tensor ? (await readData(x)) as ArrayLike<number> : x;
  return addValues(cm, pred, label, await read(pred), await read(label));
}

function addValues(
  cm: ConfusionMatrix,
  pred: Labels,
  label: Labels,
  p: ArrayLike<number>,
  l: ArrayLike<number>,
): ConfusionMatrix {
  if (pred instanceof tf.Tensor && label instanceof tf.Tensor) {
    const ps = pred.shape.filter((d) => d !== 1).join(","), ls = label.shape.filter((d) => d !== 1).join(",");
    if (ps !== ls) {
      throw new Error(
        `confusion matrix: pred shape [${pred.shape}] and label shape [${label.shape}] must be equal`,
      );
    }
  }
  if (p.length !== l.length) {
    throw new Error(
      `confusion matrix: pred has ${p.length} pixels but label has ${l.length}; they must be equal`,
    );
  }
  const c = cm.numClasses, counts = cm.counts, ignore = cm.ignoreIndex;
  for (let i = 0; i < l.length; i++) {
    const y = l[i];
    if (y === ignore) continue;
    const q = p[i];
    if (!(y >= 0 && y < c && Number.isInteger(y))) {
      throw new Error(
        `confusion matrix: label value ${y} is outside [0, ${c}) and is not ignore_index (${ignore})`,
      );
    }
    if (!(q >= 0 && q < c && Number.isInteger(q))) {
      throw new Error(`confusion matrix: predicted class ${q} is outside [0, ${c})`);
    }
    counts[y * c + q]++;
  }
  return cm;
}

/** A new confusion matrix of `pred` against `label` (on webgpu: {@linkcode confusionMatrixAsync}). */
export function confusionMatrix(
  pred: Labels,
  label: Labels,
  numClasses: number,
  ignoreIndex = 255,
): ConfusionMatrix {
  return addToConfusion(emptyConfusion(numClasses, ignoreIndex), pred, label);
}

/** {@linkcode confusionMatrix} reading tensors with `await data()`: works on every backend. */
export function confusionMatrixAsync(
  pred: Labels,
  label: Labels,
  numClasses: number,
  ignoreIndex = 255,
): Promise<ConfusionMatrix> {
  return addToConfusionAsync(emptyConfusion(numClasses, ignoreIndex), pred, label);
}

/** Adds NHWC `logits`' argmax predictions against NHW `labels` to `cm` (in place). */
export function addLogitsToConfusion(
  cm: ConfusionMatrix,
  logits: tf.Tensor,
  labels: tf.Tensor,
): ConfusionMatrix {
  requireSyncReads("addLogitsToConfusion", "await addLogitsToConfusionAsync(cm, logits, labels)");
  const pred = argmaxOf(cm, logits);
  try {
    return addToConfusion(cm, pred, labels);
  } finally {
    pred.dispose();
  }
}

/** {@linkcode addLogitsToConfusion} reading with `await data()`: works on every backend (webgpu too). */
export async function addLogitsToConfusionAsync(
  cm: ConfusionMatrix,
  logits: tf.Tensor,
  labels: tf.Tensor,
): Promise<ConfusionMatrix> {
  const pred = argmaxOf(cm, logits);
  try {
    return await addToConfusionAsync(cm, pred, labels);
  } finally {
    pred.dispose();
  }
}

function argmaxOf(cm: ConfusionMatrix, logits: tf.Tensor): tf.Tensor {
  if (logits.shape[logits.rank - 1] !== cm.numClasses) {
    throw new Error(
      `confusion matrix: logits have ${logits.shape[logits.rank - 1]} channels, expected ${cm.numClasses}`,
    );
  }
  return tf.tidy(() => tf.argMax(logits, -1));
}

/** The element-wise sum of confusion matrices of the same size. */
export function sumConfusion(...cms: ConfusionMatrix[]): ConfusionMatrix {
  if (cms.length === 0) throw new Error("sumConfusion: nothing to sum");
  const out = emptyConfusion(cms[0].numClasses, cms[0].ignoreIndex);
  for (const cm of cms) {
    if (cm.numClasses !== out.numClasses) {
      throw new Error(`sumConfusion: ${cm.numClasses} classes vs ${out.numClasses}; sizes must match`);
    }
    for (let i = 0; i < out.counts.length; i++) out.counts[i] += cm.counts[i];
  }
  return out;
}
