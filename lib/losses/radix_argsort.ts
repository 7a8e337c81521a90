/**
 * Stable descending sort of float32 keys with a uint32 payload, by LSD radix sort over
 * order-preserving uint32 images of the floats. Only the bits that vary between keys are
 * sorted, in passes of at most 11 bits (Lovász errors in [0, 1] vary in 30 bits: three
 * passes; a narrower range takes fewer). Equal keys keep their input order: the tie-break the Lovász
 * fixtures use (ascending pixel index). ~30× faster than `Array.prototype.sort` with a
 * comparator and, unlike `tf.topk`, cheap on CPU backends.
 *
 * @example
 * ```ts
 * import { argsortDescending } from "./radix_argsort.ts";
 * argsortDescending(new Float32Array([0.2, 0.9, 0.2, 0.5])); // Uint32Array [1, 3, 0, 2]
 * ```
 * @module
 */

interface Scratch {
  keysA: Uint32Array;
  keysB: Uint32Array;
  payA: Uint32Array;
  payB: Uint32Array;
  counts: Uint32Array;
}
let scratch: Scratch | null = null;

function getScratch(n: number): Scratch {
  if (!scratch || scratch.keysA.length < n) {
    const size = Math.max(n, 1024);
    scratch = {
      keysA: new Uint32Array(size),
      keysB: new Uint32Array(size),
      payA: new Uint32Array(size),
      payB: new Uint32Array(size),
      counts: new Uint32Array(1 << 11),
    };
  }
  return scratch;
}

/** The result of {@linkcode sortDescending}: views into scratch space, valid until the next sort. */
export interface SortedPairs {
  /** The keys in descending order, as float32 values. */
  keys: Float32Array;
  /** The payloads in the same order. */
  payload: Uint32Array;
}

/** uint32 image of a float32 bit pattern whose ascending order is the floats' descending order. */
function descKey(u: number): number {
  if (u === 0x80000000) u = 0; // -0 sorts with +0
  const asc = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
  return ~asc >>> 0;
}

/** Inverse of {@linkcode descKey}. */
function floatBits(k: number): number {
  const asc = ~k >>> 0;
  return asc & 0x80000000 ? (asc & 0x7fffffff) >>> 0 : ~asc >>> 0;
}

/**
 * Sorts `keys[0..n)` descending, stably, carrying `payload[0..n)` along (the inputs are not
 * modified). NaN is not allowed (callers reject non-finite inputs first).
 */
export function sortDescending(keys: Float32Array, payload: Uint32Array, n = keys.length): SortedPairs {
  const s = getScratch(n);
  const bits = new Uint32Array(keys.buffer, keys.byteOffset, keys.length);
  let srcK = s.keysA, srcP = s.payA;
  const dstK = s.keysB, dstP = s.payB;
  let and = 0xffffffff, or = 0;
  for (let i = 0; i < n; i++) {
    const k = descKey(bits[i]);
    srcK[i] = k;
    srcP[i] = payload[i];
    and &= k;
    or |= k;
  }
  const varying = (and ^ or) >>> 0;
  const width = varying === 0 ? 0 : 32 - Math.clz32(varying);
  if (n > MSD_THRESHOLD && width > 11) {
    msdThenLsd(srcK, srcP, dstK, dstP, n, width, s.counts);
    srcK = dstK;
    srcP = dstP;
  } else if (lsd(srcK, srcP, dstK, dstP, 0, n, 0, width, s.counts)) {
    srcK = dstK;
    srcP = dstP;
  }
  for (let i = 0; i < n; i++) srcK[i] = floatBits(srcK[i]);
  return { keys: new Float32Array(srcK.buffer, srcK.byteOffset, n), payload: srcP.subarray(0, n) };
}

/** Above this many keys, one most-significant-digit pass splits the keys into cache-sized buckets first. */
const MSD_THRESHOLD = 1 << 16;
const DIGIT = 11;

/**
 * Stable LSD radix sort of `[lo, hi)` on bits `[fromBit, toBit)` of the keys, ping-ponging
 * between the two buffers. Returns true when the result ended in `dst`, false when in `src`.
 */
function lsd(
  srcK: Uint32Array,
  srcP: Uint32Array,
  dstK: Uint32Array,
  dstP: Uint32Array,
  lo: number,
  hi: number,
  fromBit: number,
  toBit: number,
  counts: Uint32Array,
): boolean {
  const span = toBit - fromBit;
  if (span <= 0 || hi - lo < 2) return false;
  const passes = Math.ceil(span / DIGIT);
  const digit = Math.ceil(span / passes);
  const mask = (1 << digit) - 1, buckets = 1 << digit;
  let inDst = false;
  for (let pass = 0, shift = fromBit; pass < passes; pass++, shift += digit) {
    const aK = inDst ? dstK : srcK, aP = inDst ? dstP : srcP;
    const bK = inDst ? srcK : dstK, bP = inDst ? srcP : dstP;
    counts.fill(0, 0, buckets);
    for (let i = lo; i < hi; i++) counts[(aK[i] >>> shift) & mask]++;
    let sum = lo;
    for (let d = 0; d < buckets; d++) {
      const c = counts[d];
      counts[d] = sum;
      sum += c;
    }
    for (let i = lo; i < hi; i++) {
      const k = aK[i];
      const p = counts[(k >>> shift) & mask]++;
      bK[p] = k;
      bP[p] = aP[i];
    }
    inDst = !inDst;
  }
  return inDst;
}

/**
 * One stable most-significant-digit pass from `src` into `dst` on the top bits of the varying
 * range, then each bucket sorted on the remaining bits while it sits in cache (insertion sort for
 * small buckets, LSD otherwise). The result is in `dst`.
 */
function msdThenLsd(
  srcK: Uint32Array,
  srcP: Uint32Array,
  dstK: Uint32Array,
  dstP: Uint32Array,
  n: number,
  width: number,
  counts: Uint32Array,
): void {
  const shift = width - DIGIT, buckets = 1 << DIGIT, mask = buckets - 1;
  const starts = new Uint32Array(buckets + 1);
  for (let i = 0; i < n; i++) starts[((srcK[i] >>> shift) & mask) + 1]++;
  for (let d = 0; d < buckets; d++) starts[d + 1] += starts[d];
  const next = starts.slice(0, buckets);
  for (let i = 0; i < n; i++) {
    const k = srcK[i];
    const p = next[(k >>> shift) & mask]++;
    dstK[p] = k;
    dstP[p] = srcP[i];
  }
  for (let d = 0; d < buckets; d++) {
    const lo = starts[d], hi = starts[d + 1];
    const size = hi - lo;
    if (size < 2) continue;
    if (size <= 32) {
      for (let i = lo + 1; i < hi; i++) {
        const k = dstK[i], p = dstP[i];
        let j = i - 1;
        while (j >= lo && dstK[j] > k) {
          dstK[j + 1] = dstK[j];
          dstP[j + 1] = dstP[j];
          j--;
        }
        dstK[j + 1] = k;
        dstP[j + 1] = p;
      }
      continue;
    }
    // Sort the bucket on the low bits: from dst through src (free now) and back as needed.
    if (lsd(dstK, dstP, srcK, srcP, lo, hi, 0, shift, counts)) {
      dstK.set(srcK.subarray(lo, hi), lo);
      dstP.set(srcP.subarray(lo, hi), lo);
    }
  }
}

let identity = new Uint32Array(0);

/**
 * The permutation that sorts `values[0..n)` in descending order, stably.
 * @param out optional destination of length ≥ n (returned).
 */
export function argsortDescending(values: Float32Array, n = values.length, out?: Uint32Array): Uint32Array {
  if (identity.length < n) {
    identity = new Uint32Array(Math.max(n, 1024));
    for (let i = 0; i < identity.length; i++) identity[i] = i;
  }
  const idx = out && out.length >= n ? out : new Uint32Array(n);
  idx.set(sortDescending(values, identity, n).payload);
  return idx;
}
