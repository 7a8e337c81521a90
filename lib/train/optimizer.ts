/**
 * Optimizers from PaddleSeg's `optimizer:` section, with Paddle's update rules and explicit,
 * saveable state (so a resumed run continues bit for bit):
 *
 * - `SGD` / `sgd`: `p ← p − lr·(g + wd·p)`; with `momentum` given it is Paddle's `Momentum`, as
 *   PaddleSeg's builder turns "SGD + momentum" into `Momentum`;
 * - `Momentum`: `v ← μ·v + (g + wd·p)`, `p ← p − lr·v` (`use_nesterov`: `p ← p − lr·(g' + μ·v)`);
 * - `Adam` / `adam`: Paddle's Adam, with `weight_decay` as L2 added to the gradient;
 * - `AdamW`: decoupled decay `p ← p·(1 − lr·wd)` (default 0.01), then Adam.
 *
 * `weight_decay` applies to every parameter, batch-norm ones included, as in PaddleSeg.
 * `backbone_lr_mult` scales the learning rate of the backbone's parameters.
 *
 * @example
 * ```ts
 * import { createOptimizer } from "./optimizer.ts";
 * const opt = createOptimizer({ type: "SGD", momentum: 0.9, weight_decay: 4e-5 });
 * opt.type;   // "Momentum"
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { ConfigError } from "../config/config_error.ts";
import { boolean, type Field, mapping, number, readSection, readType } from "../config/schema.ts";

/** A parameter to update: its stable name and variable. */
export interface NamedVariable {
  name: string;
  variable: tf.Variable;
}

/** An optimizer's state. */
export interface OptimizerState {
  iterations: number;
  slots: { name: string; tensor: tf.Tensor }[];
}

/** A built optimizer with explicit state. */
export interface Optimizer {
  /** Paddle's class: "SGD", "Momentum", "Adam" or "AdamW". */
  readonly type: string;
  /** The section with defaults filled in. */
  readonly config: Readonly<Record<string, unknown>>;
  /** Updates applied so far. */
  readonly iterations: number;
  /** One update of `params` with their `grads` (same order) at learning rate `lr`. */
  apply(params: readonly NamedVariable[], grads: readonly tf.Tensor[], lr: number): void;
  /** The state: the update count and slots named `<param>/<slot>` (velocity, moment1, moment2), owned by the optimizer. */
  getState(): OptimizerState;
  /** Restores a state (copies the tensors). */
  setState(state: { iterations: number; slots: Record<string, tf.Tensor> }): void;
  dispose(): void;
}

const TYPES = ["SGD", "sgd", "Momentum", "Adam", "adam", "AdamW"] as const;

/** Builds an optimizer from an `optimizer:` section; `path` names it in errors. */
export function createOptimizer(section: unknown, path = "optimizer"): Optimizer {
  const obj = mapping(section, path);
  const raw = readType(obj, path, TYPES, "optimizer");
  const common: Record<string, Field> = {
    type: { check: (v) => v },
    weight_decay: { check: number({ min: 0 }), optional: true },
    backbone_lr_mult: { check: number({ min: 0 }), default: 1 },
  };
  const sgdLike = raw === "SGD" || raw === "sgd" || raw === "Momentum";
  const adamLike = !sgdLike;
  const fields: Record<string, Field> = sgdLike
    ? {
      ...common,
      momentum: { check: number({ min: 0, max: 1 }), optional: true },
      use_nesterov: { check: boolean, default: false },
    }
    : {
      ...common,
      beta1: { check: number({ min: 0, max: 1 }), default: 0.9 },
      beta2: { check: number({ min: 0, max: 1 }), default: 0.999 },
      epsilon: { check: number({ gt: 0 }), default: 1e-8 },
    };
  const p = readSection<Record<string, number | boolean | string | undefined>>(obj, path, fields, {
    what: raw,
  });
  let type: "SGD" | "Momentum" | "Adam" | "AdamW";
  if (raw === "Momentum") type = "Momentum";
  else if (sgdLike) type = p.momentum !== undefined ? "Momentum" : "SGD";
  else type = raw === "AdamW" ? "AdamW" : "Adam";
  if (type === "Momentum" && p.momentum === undefined) p.momentum = 0.9;
  if (type === "AdamW" && p.weight_decay === undefined) p.weight_decay = 0.01;
  if (type === "SGD" && p.use_nesterov) {
    throw new ConfigError(
      `${path}.use_nesterov: needs momentum (plain SGD has no velocity); add momentum: 0.9`,
    );
  }
  const wd = (p.weight_decay as number | undefined) ?? 0;
  const mult = p.backbone_lr_mult as number;
  const config: Record<string, unknown> = { ...p, type };
  for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
  if (!adamLike) delete config.beta1;

  const slots = new Map<string, tf.Variable>();
  let iterations = 0;
  const slot = (param: string, name: string, like: tf.Tensor) => {
    const key = `${param}/${name}`;
    let v = slots.get(key);
    if (!v) {
      v = tf.variable(tf.zerosLike(like), false);
      slots.set(key, v);
    }
    return v;
  };

  return {
    type,
    config: Object.freeze(config),
    get iterations() {
      return iterations;
    },
    apply(params, grads, lr) {
      if (params.length !== grads.length) {
        throw new Error(`optimizer: ${params.length} parameters but ${grads.length} gradients`);
      }
      const t = iterations + 1;
      tf.tidy(() => {
        params.forEach(({ name, variable: v }, i) => {
          const rate = name.startsWith("backbone.") ? lr * mult : lr;
          let g = grads[i];
          if (wd > 0 && type !== "AdamW") g = tf.add(g, tf.mul(v, wd));
          if (type === "SGD") {
            v.assign(tf.sub(v, tf.mul(g, rate)));
          } else if (type === "Momentum") {
            const mu = p.momentum as number;
            const vel = slot(name, "velocity", v);
            const nv = tf.add(tf.mul(vel, mu), g);
            vel.assign(nv);
            v.assign(tf.sub(v, tf.mul(p.use_nesterov ? tf.add(g, tf.mul(nv, mu)) : nv, rate)));
          } else {
            const b1 = p.beta1 as number, b2 = p.beta2 as number, eps = p.epsilon as number;
            const m1 = slot(name, "moment1", v), m2 = slot(name, "moment2", v);
            const nm1 = tf.add(tf.mul(m1, b1), tf.mul(g, 1 - b1));
            const nm2 = tf.add(tf.mul(m2, b2), tf.mul(tf.square(g), 1 - b2));
            m1.assign(nm1);
            m2.assign(nm2);
            const c2 = Math.sqrt(1 - Math.pow(b2, t));
            const lrT = (rate * c2) / (1 - Math.pow(b1, t));
            const base = type === "AdamW" ? tf.mul(v, 1 - rate * wd) : v;
            v.assign(tf.sub(base, tf.mul(tf.div(nm1, tf.add(tf.sqrt(nm2), eps * c2)), lrT)));
          }
        });
      });
      iterations = t;
    },
    getState() {
      return {
        iterations,
        slots: [...slots.entries()].map(([name, tensor]) => ({ name, tensor: tensor as tf.Tensor })),
      };
    },
    setState(state) {
      for (const v of slots.values()) v.dispose();
      slots.clear();
      for (const [name, t] of Object.entries(state.slots)) slots.set(name, tf.variable(t.clone(), false));
      iterations = state.iterations;
    },
    dispose() {
      for (const v of slots.values()) v.dispose();
      slots.clear();
    },
  };
}
