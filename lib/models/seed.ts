/**
 * Deterministic seeds: every random draw in seglab's models and trainer (weight initialisers,
 * dropout masks) takes its seed from a stable hash of integers, so the same config and seed
 * give the same numbers on every run, and a resumed run draws what the uninterrupted one drew.
 *
 * @example
 * ```ts
 * import { mixSeed } from "./seed.ts";
 * mixSeed(42, 7);        // the same 31-bit integer every time
 * ```
 * @module
 */

/**
 * A 31-bit positive integer hash of the given integers (order matters). Never 0: TensorFlow.js's
 * `randomNormal` (which the weight initialisers draw from) takes a seed of 0 for none.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5 | 0;
  for (const p of parts) {
    // Split the value into two 32-bit halves so seeds above 2^32 still mix in fully.
    const lo = p | 0, hi = Math.floor(p / 4294967296) | 0;
    for (const v of [lo, hi]) {
      h = Math.imul(h ^ v, 0x01000193);
      h ^= h >>> 15;
      h = Math.imul(h, 0x2c1b3c6d);
      h ^= h >>> 12;
      h = Math.imul(h, 0x297a2d39);
      h ^= h >>> 15;
    }
  }
  return (h & 0x7fffffff) || 1;
}

/** A random 31-bit seed (for configs without `seed:`; the trainer records which one it drew). */
export function randomSeed(): number {
  return Math.floor(Math.random() * 0x7fffffff);
}
