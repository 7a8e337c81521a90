/**
 * The fused Adam update's arithmetic: one pass over a variable computing its new first and
 * second moments and its new value with tfjs-core's `AdamOptimizer` operations in its order, each
 * rounded to float32 as its ops are (so the result is tfjs's to the bit). `fused_kernels.ts`
 * registers it as a kernel (on `wasm`, the SIMD kernel `emit_adam.ts` does the same operations and
 * this runs the last `n mod 4` elements); `adam.ts` makes `tf.AdamOptimizer` call that kernel.
 * @module
 */

/** Kernel name (custom). */
export const ADAM = "SeglabAdamUpdate";

/** The update's scalars: `c1 = 1 − β₁ᵗ`, `c2 = 1 − β₂ᵗ`. */
export interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  lr: number;
  c1: number;
  c2: number;
}

/** The float32 scalars in the order of the SIMD kernel's: β₁, 1 − β₁, β₂, 1 − β₂, −lr, c₁, c₂, ε. */
export function adamScalars(a: AdamAttrs): number[] {
  const f = Math.fround;
  return [f(a.beta1), f(1 - a.beta1), f(a.beta2), f(1 - a.beta2), f(-a.lr), f(a.c1), f(a.c2), f(a.epsilon)];
}

/** `[value′, m′, v′]` for one variable. */
export function adamMath(
  value: Float32Array,
  m: Float32Array,
  v: Float32Array,
  g: Float32Array,
  a: AdamAttrs,
  out: [Float32Array, Float32Array, Float32Array],
): void {
  const [nv, nm, nvv] = out, f = Math.fround;
  const [b1, o1, b2, o2, nlr, c1, c2, eps] = adamScalars(a);
  for (let i = 0; i < value.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * b1) + f(gi * o1));
    const vi = f(f(v[i] * b2) + f(f(gi * gi) * o2));
    nm[i] = mi;
    nvv[i] = vi;
    nv[i] = f(f(f(mi / c1) / f(f(Math.sqrt(f(vi / c2))) + eps)) * nlr) + value[i];
  }
}
