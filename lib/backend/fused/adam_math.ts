/**
 * The fused Adam update's arithmetic: one pass over a variable computing its new first and
 * second moments and its new value, in float32 as tfjs-core's ops round. `fused_kernels.ts`
 * registers it as a kernel; `adam.ts` makes `tf.AdamOptimizer` call that kernel.
 * @module
 */

/** Kernel name (custom). */
export const ADAM = "SeglabAdamUpdate";

/** `[value′, m′, v′]` for one variable. */
export function adamMath(
  value: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  a: { beta1: number; beta2: number; epsilon: number; lr: number; c1: number; c2: number },
  out: [Float32Array, Float32Array, Float32Array],
): void {
  const [nv, nm, nvv] = out;
  const b1 = Math.fround(a.beta1), b2 = Math.fround(a.beta2);
  const o1 = Math.fround(1 - a.beta1), o2 = Math.fround(1 - a.beta2);
  for (let i = 0; i < value.length; i++) {
    const gi = g[i];
    const mi = Math.fround(b1 * m[i] + o1 * gi);
    const vi = Math.fround(b2 * v[i] + o2 * (gi * gi));
    nm[i] = mi;
    nvv[i] = vi;
    nv[i] = value[i] - a.lr * (mi / a.c1) / (Math.sqrt(vi / a.c2) + a.epsilon);
  }
}
