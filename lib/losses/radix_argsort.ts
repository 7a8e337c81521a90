/**
 * Stable descending argsort of float32 keys by LSD radix sort (3 passes of 11/11/10 bits over
 * order-preserving uint32 images of the floats). Equal keys keep ascending index order — the
 * tie-break the Lovász fixtures use. ~30× faster than `Array.prototype.sort` with a comparator
 * and, unlike `tf.topk`, cheap on CPU backends.
 *
 * @example
 * ```ts
 * import { argsortDescending } from "./radix_argsort.ts";
 * argsortDescending(new Float32Array([0.2, 0.9, 0.2, 0.5])); // Uint32Array [1, 3, 0, 2]
 * ```
 * @module
 */

const B0 = 11, B1 = 11, B2 = 10;
const M0 = (1 << B0) - 1, M1 = (1 << B1) - 1, M2 = (1 << B2) - 1;

interface Scratch {
  keysA: Uint32Array;
  keysB: Uint32Array;
  idxB: Uint32Array;
}
let scratch: Scratch | null = null;

function getScratch(n: number): Scratch {
  if (!scratch || scratch.keysA.length < n) {
    const size = Math.max(n, 1024);
    scratch = { keysA: new Uint32Array(size), keysB: new Uint32Array(size), idxB: new Uint32Array(size) };
  }
  return scratch;
}

/** Releases the cached scratch buffers (they grow to the largest input seen). */
export function releaseArgsortScratch(): void {
  scratch = null;
}

/**
 * The permutation that sorts `values[0..n)` in descending order, stably. NaN is not allowed
 * (callers check for non-finite inputs first); `-0` sorts equal to `+0`.
 * @param out optional destination of length ≥ n (returned).
 */
export function argsortDescending(values: Float32Array, n = values.length, out?: Uint32Array): Uint32Array {
  const idx = out && out.length >= n ? out : new Uint32Array(n);
  const s = getScratch(n);
  const bits = new Uint32Array(values.buffer, values.byteOffset, values.length);
  const keys = s.keysA;
  const c0 = new Uint32Array(1 << B0), c1 = new Uint32Array(1 << B1), c2 = new Uint32Array(1 << B2);
  for (let i = 0; i < n; i++) {
    let u = bits[i];
    if (u === 0x80000000) u = 0; // -0 → +0
    // Ascending-order image: flip all bits of negatives, set the sign bit of positives;
    // then complement for descending order.
    const asc = u & 0x80000000 ? ~u >>> 0 : (u | 0x80000000) >>> 0;
    const k = ~asc >>> 0;
    keys[i] = k;
    idx[i] = i;
    c0[k & M0]++;
    c1[(k >>> B0) & M1]++;
    c2[k >>> (B0 + B1)]++;
  }
  let srcK = keys, srcI = idx, dstK = s.keysB, dstI = s.idxB;
  const passes: [Uint32Array, number, number][] = [[c0, 0, M0], [c1, B0, M1], [c2, B0 + B1, M2]];
  for (const [count, shift, mask] of passes) {
    // A digit shared by every key needs no pass.
    let skip = false;
    for (let d = 0; d <= mask; d++) {
      if (count[d] === n) skip = true;
      if (count[d] !== 0) break;
    }
    if (skip || n === 0) continue;
    let sum = 0;
    for (let d = 0; d <= mask; d++) {
      const c = count[d];
      count[d] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const k = srcK[i];
      const p = count[(k >>> shift) & mask]++;
      dstK[p] = k;
      dstI[p] = srcI[i];
    }
    const tk = srcK, ti = srcI;
    srcK = dstK;
    srcI = dstI;
    dstK = tk;
    dstI = ti;
  }
  if (srcI !== idx) idx.set(srcI.subarray(0, n));
  return idx;
}
