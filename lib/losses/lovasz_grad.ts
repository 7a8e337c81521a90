/**
 * The Lovász extension's weights (Berman et al. 2018, Alg. 1): for ground truth sorted by
 * decreasing error, the first differences of the Jaccard index of the prefixes. Computed in
 * float64 — in float32, each weight (a difference of two Jaccard values near 0.5, each about
 * 1/P) loses about three digits on large images.
 *
 * @example
 * ```ts
 * import { lovaszGrad } from "./lovasz_grad.ts";
 * lovaszGrad(Uint8Array.of(1, 0, 1, 1, 0)); // Float64Array [1/3, 1/6, 1/4, 1/4, 0]
 * ```
 * @module
 */

/**
 * Weights for `gtSorted[0..n)` (1 = foreground). `gts`, the number of foreground pixels,
 * may be given when only a prefix of the sorted sequence is passed (the weights of a prefix
 * do not depend on what follows it).
 */
export function lovaszGrad(gtSorted: ArrayLike<number>, n = gtSorted.length, gts?: number): Float64Array {
  let total = gts ?? 0;
  if (gts === undefined) { for (let i = 0; i < n; i++) total += gtSorted[i]; }
  const w = new Float64Array(n);
  let cumFg = 0, cumBg = 0, prev = 0;
  for (let k = 0; k < n; k++) {
    if (gtSorted[k]) cumFg++;
    else cumBg++;
    const jac = 1 - (total - cumFg) / (total + cumBg);
    w[k] = jac - prev;
    prev = jac;
  }
  return w;
}
