/**
 * Seeded random numbers for data augmentation and shuffling. Every random draw in the pipeline
 * comes from a stream keyed by integers (seed, epoch, sample index…), so a sample's augmentation
 * does not depend on which worker decoded it or in which order: reruns and resumed runs see the
 * same data.
 *
 * @example
 * ```ts
 * import { rngFor } from "./rng.ts";
 * const r = rngFor(42, 3, 17);       // seed 42, epoch 3, sample 17
 * r.uniform(0.5, 2.0); r.int(10); r.next();
 * ```
 * @module
 */

/** A deterministic random stream. */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [lo, hi). */
  uniform(lo: number, hi: number): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Fisher–Yates shuffle in place; returns the array. */
  shuffle<T>(a: T[]): T[];
}

function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hashes integer keys into a 32-bit seed (murmur3 finaliser over a running state). */
export function hashKeys(...keys: number[]): number {
  let h = 0x9e3779b9;
  for (const k of keys) {
    const lo = k >>> 0, hi = Math.floor(k / 4294967296) >>> 0;
    h = mix32(h ^ mix32(lo + 0x7f4a7c15));
    h = mix32(h ^ mix32(hi + 0x165667b1));
  }
  return h;
}

/** An sfc32 stream seeded from the given integer keys. */
export function rngFor(...keys: number[]): Rng {
  let a = hashKeys(...keys, 1), b = hashKeys(...keys, 2), c = hashKeys(...keys, 3), d = 1;
  const next = (): number => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    int: (n) => Math.floor(next() * n),
    shuffle<T>(arr: T[]): T[] {
      for (let i = arr.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1));
        const t = arr[i];
        arr[i] = arr[j];
        arr[j] = t;
      }
      return arr;
    },
  };
}
