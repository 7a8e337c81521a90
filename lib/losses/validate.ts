/**
 * Input checks shared by every loss: shapes, label values, and non-finite logits. Each failure
 * names the loss, the offending shape or value, and what would fix it. Results are memoised per
 * tensor (tensors are immutable), so a label tensor shared by several losses is read once.
 * On `webgpu`, where nothing may be read synchronously, the label range and the NaN/Inf count are
 * computed on the device and reported asynchronously (see `device_checks.ts`).
 * @module
 */
import { tf } from "../core/tf.ts";
import { LossError } from "./errors.ts";
import { syncReadsWork } from "../backend/read.ts";
import { deferFiniteCheck, deferLabelCheck, throwRecordedLossCheck } from "./device_checks.ts";

const labelStats = new WeakMap<tf.Tensor, Map<number, { min: number; max: number; valid: number }>>();
const finiteLogits = new WeakSet<tf.Tensor>();
const queuedLabels = new WeakMap<tf.Tensor, Set<string>>();

function shape(s: readonly number[]): string {
  return `[${s.join(",")}]`;
}

/** Throws unless `logits` is 4-D NHWC float. */
export function checkLogits(who: string, logits: tf.Tensor): void {
  if (!(logits instanceof tf.Tensor)) {
    throw new LossError(`${who}: logits must be a tf.Tensor, got ${typeof logits}`);
  }
  if (logits.rank !== 4) {
    throw new LossError(`${who}: logits must be 4-D NHWC [N,H,W,C], got shape ${shape(logits.shape)}`);
  }
  if (logits.dtype !== "float32") throw new LossError(`${who}: logits must be float32, got ${logits.dtype}`);
}

/**
 * Returns labels as int32 `[N,H,W]` matching `logits` (accepting `[N,H,W,1]` and integer-valued
 * floats), or throws naming both shapes. The result is a new tensor only when a reshape or cast
 * was needed; callers run inside `tf.tidy`.
 */
export function conformLabels(
  who: string,
  logits: tf.Tensor,
  labels: tf.Tensor,
  what = "labels",
): tf.Tensor3D {
  if (!(labels instanceof tf.Tensor)) {
    throw new LossError(`${who}: ${what} must be a tf.Tensor, got ${typeof labels}`);
  }
  const [n, h, w] = logits.shape;
  let out: tf.Tensor = labels;
  if (out.rank === 4 && out.shape[3] === 1) out = out.reshape(out.shape.slice(0, 3));
  if (out.rank !== 3 || out.shape[0] !== n || out.shape[1] !== h || out.shape[2] !== w) {
    throw new LossError(
      `${who}: ${what} shape ${shape(labels.shape)} does not match logits ${shape(logits.shape)}: ` +
        `${what} must be [N,H,W] = [${n},${h},${w}] (logits are NHWC)`,
    );
  }
  if (out.dtype !== "int32") out = out.cast("int32");
  return out as tf.Tensor3D;
}

/** min/max of the labels that are not `ignoreIndex`, and how many there are (one read, memoised). */
export function validLabelRange(
  labels: tf.Tensor,
  ignoreIndex: number,
): { min: number; max: number; valid: number } {
  let byIgnore = labelStats.get(labels);
  const hit = byIgnore?.get(ignoreIndex);
  if (hit) return hit;
  const data = labels.dataSync();
  let min = Infinity, max = -Infinity, valid = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v === ignoreIndex) continue;
    valid++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const stats = { min, max, valid };
  if (!byIgnore) labelStats.set(labels, byIgnore = new Map());
  byIgnore.set(ignoreIndex, stats);
  return stats;
}

/** Throws when a label is neither in `[0, numClasses)` nor `ignoreIndex`, naming the value. */
export function checkLabelValues(
  who: string,
  labels: tf.Tensor,
  numClasses: number,
  ignoreIndex: number,
  what = "labels",
): void {
  if (!syncReadsWork()) {
    const key = `${numClasses}/${ignoreIndex}/${what}`;
    let keys = queuedLabels.get(labels);
    if (!keys) queuedLabels.set(labels, keys = new Set());
    if (!keys.has(key)) {
      keys.add(key);
      deferLabelCheck(who, labels, numClasses, ignoreIndex, what);
    }
    return;
  }
  const { min, max } = validLabelRange(labels, ignoreIndex);
  const bad = min < 0 ? min : max >= numClasses ? max : null;
  if (bad !== null) {
    throw new LossError(
      `${who}: ${what} contain the value ${bad}, which is outside [0, ${numClasses}) and is not ` +
        `ignore_index (${ignoreIndex}); fix the labels, or set ignore_index / the number of classes to match them`,
    );
  }
}

/** Throws when `logits` hold NaN or ±Inf, with how many (one scalar read, memoised). */
export function checkFinite(who: string, logits: tf.Tensor): void {
  if (finiteLogits.has(logits)) return;
  if (!syncReadsWork()) {
    finiteLogits.add(logits);
    deferFiniteCheck(who, logits);
    return;
  }
  const ok = tf.tidy(() => tf.all(tf.isFinite(logits))).dataSync()[0];
  if (!ok) {
    const data = logits.dataSync();
    let nan = 0, inf = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i] as number;
      if (Number.isNaN(v)) nan++;
      else if (!Number.isFinite(v)) inf++;
    }
    throw new LossError(
      `${who}: logits contain non-finite values (${nan} NaN, ${inf} Inf of ${data.length}); ` +
        `the model diverged or the input is bad — lower the learning rate or check the input normalisation`,
    );
  }
  finiteLogits.add(logits);
}

/**
 * All checks for a (logits NHWC, labels NHW) pair: shapes, dtype, label range against
 * `numClasses` (default: the channel count), finite logits. Returns conforming labels.
 */
export function validateInputs(
  who: string,
  logits: tf.Tensor,
  labels: tf.Tensor,
  opts: { ignoreIndex: number; numClasses?: number; what?: string },
): tf.Tensor3D {
  if (!syncReadsWork()) throwRecordedLossCheck();
  checkLogits(who, logits);
  const lab = conformLabels(who, logits, labels, opts.what);
  checkLabelValues(who, lab, opts.numClasses ?? logits.shape[3]!, opts.ignoreIndex, opts.what);
  checkFinite(who, logits);
  return lab;
}
