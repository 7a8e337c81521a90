/**
 * Adam in one kernel per variable on `wasm` and `cpu`.
 *
 * tfjs-core's `AdamOptimizer.applyGradients` runs ~12 small ops per variable (a U-Net's 56
 * variables: ~700 kernel calls, each with the engine's bookkeeping). seglab replaces the method
 * (on the class's prototype, once) with the same algorithm — same moments, bias correction and
 * update, the same variables and slot names, so saving and restoring an optimizer is unchanged —
 * computing `m`, `v` and the new value in one pass; on other backends the original runs. The
 * kernel itself (`adamMath`) is registered with the other fused kernels (`fused_kernels.ts`).
 * @module
 */
import { tf } from "../../core/tf.ts";
import { hasFused } from "./fused_kernels.ts";
import { ADAM } from "./adam_math.ts";

const PATCHED = Symbol.for("seglab.fusedAdam");

interface AdamLike {
  beta1: number;
  beta2: number;
  epsilon: number;
  learningRate: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: { originalName: string; variable: tf.Variable }[];
  accumulatedSecondMoment: { originalName: string; variable: tf.Variable }[];
  incrementIterations(): void;
}
type Apply = (this: AdamLike, g: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]) => void;

/** Installs the fused update into `tf.AdamOptimizer`; returns whether it could. */
export function patchAdam(): boolean {
  const proto = tf.AdamOptimizer.prototype as unknown as { applyGradients: Apply; [PATCHED]?: boolean };
  if (proto[PATCHED]) return true;
  const original = proto.applyGradients;
  proto.applyGradients = function (this: AdamLike, variableGradients) {
    if (!hasFused(ADAM)) return original.call(this, variableGradients);
    const list = Array.isArray(variableGradients);
    const names = list ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    tf.tidy(() => {
      const c1 = 1 - this.accBeta1.dataSync()[0], c2 = 1 - this.accBeta2.dataSync()[0];
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        this.accumulatedFirstMoment[i] ??= {
          originalName: `${name}/m`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        this.accumulatedSecondMoment[i] ??= {
          originalName: `${name}/v`,
          variable: tf.tidy(() => tf.zerosLike(value).variable(false)),
        };
        const gradient = list ? variableGradients[i].tensor : (variableGradients as tf.NamedTensorMap)[name];
        if (gradient == null) return;
        const m = this.accumulatedFirstMoment[i].variable, v = this.accumulatedSecondMoment[i].variable;
        if (value.dtype !== "float32" || gradient.dtype !== "float32") {
          throw new Error(`seglab Adam: variable ${name} must be float32 (got ${value.dtype})`);
        }
        const [nv, nm, nvv] = tf.engine().runKernel(ADAM, { value, m, v, g: gradient }, {
          beta1: this.beta1,
          beta2: this.beta2,
          epsilon: this.epsilon,
          lr: this.learningRate,
          c1,
          c2,
        }) as unknown as tf.Tensor[];
        m.assign(nm);
        v.assign(nvv);
        value.assign(nv);
      });
      this.accBeta1.assign(tf.mul(this.accBeta1, this.beta1));
      this.accBeta2.assign(tf.mul(this.accBeta2, this.beta2));
    });
    this.incrementIterations();
  };
  proto[PATCHED] = true;
  return true;
}
