/**
 * The losses' input checks on a backend that cannot read synchronously (`webgpu`): the label
 * range and the NaN/Inf count are computed on the device, read with `await data()` in the
 * background, and reported by {@linkcode settleLossChecks} — which the training loop awaits after
 * every step, before the update — or, failing that, by the next loss computed. `compute` and
 * `terms` stay synchronous and differentiable; only the verdict arrives later.
 *
 * @example
 * ```ts
 * const value = loss.compute(logits, labels);      // no read here on webgpu
 * await settleLossChecks();                        // throws the LossError a CPU backend throws at once
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { readData } from "../backend/read.ts";
import { LossError } from "./errors.ts";

const inFlight = new Set<Promise<void>>();
let failure: Error | null = null;

function record(e: Error): void {
  failure ??= e;
}

/** Runs `read` in the background; its error (if any) is kept for {@linkcode settleLossChecks}. */
function track(read: Promise<void>): void {
  const p = read.catch((e) => record(e instanceof Error ? e : new Error(String(e)))).finally(() => {
    inFlight.delete(p);
  });
  inFlight.add(p);
}

/** Throws the first failed check recorded so far (and forgets it), without waiting. */
export function throwRecordedLossCheck(): void {
  if (failure) {
    const e = failure;
    failure = null;
    throw e;
  }
}

/**
 * Waits for the input checks of the losses computed so far; throws the first that failed (the
 * same {@linkcode LossError} a CPU backend throws from `compute`). A no-op on CPU backends.
 */
export async function settleLossChecks(): Promise<void> {
  while (inFlight.size) await Promise.all([...inFlight]);
  throwRecordedLossCheck();
}

/** Queues the label-range check of `labels` (int32 `[N,H,W]`): every value in `[0, numClasses)` or ignored. */
export function deferLabelCheck(
  who: string,
  labels: tf.Tensor,
  numClasses: number,
  ignoreIndex: number,
  what: string,
): void {
  const stats = tf.tidy(() => {
    const valid = tf.notEqual(labels, ignoreIndex);
    const lo = tf.min(tf.where(valid, labels, tf.fill(labels.shape, 2 ** 30, "int32")));
    const hi = tf.max(tf.where(valid, labels, tf.fill(labels.shape, -(2 ** 30), "int32")));
    return tf.keep(tf.stack([lo, hi]));
  });
  track(
    readData<"int32">(stats).then((v) => {
      const [min, max] = [v[0], v[1]];
      const bad = min < 0 ? min : max >= numClasses && max !== -(2 ** 30) ? max : null;
      if (bad !== null) {
        throw new LossError(
          `${who}: ${what} contain the value ${bad}, which is outside [0, ${numClasses}) and is not ` +
            `ignore_index (${ignoreIndex}); fix the labels, or set ignore_index / the number of classes to match them`,
        );
      }
    }).finally(() => stats.dispose()),
  );
}

/** Queues the NaN/Inf check of `logits`. */
export function deferFiniteCheck(who: string, logits: tf.Tensor): void {
  const counts = tf.tidy(() =>
    tf.keep(
      tf.stack([tf.sum(tf.cast(tf.isNaN(logits), "float32")), tf.sum(tf.cast(tf.isInf(logits), "float32"))]),
    )
  );
  const size = logits.size;
  track(
    readData(counts).then((v) => {
      const [nan, inf] = [v[0], v[1]];
      if (nan > 0 || inf > 0) {
        throw new LossError(
          `${who}: logits contain non-finite values (${nan} NaN, ${inf} Inf of ${size}); ` +
            `the model diverged or the input is bad — lower the learning rate or check the input normalisation`,
        );
      }
    }).finally(() => counts.dispose()),
  );
}
