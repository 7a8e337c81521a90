/**
 * Learning-rate schedules from PaddleSeg's `lr_scheduler:` section, as pure functions of the
 * number of completed iterations `t` (the first step uses `lr(0)`; PaddleSeg steps the scheduler
 * after each iteration and logs the rate the step used).
 *
 * Types are Paddle's (`paddle.optimizer.lr`), with PaddleSeg 2.9's defaults:
 * `PolynomialDecay` (`decay_steps` = iters − warmup, Paddle's `end_lr` 1e-4 and `power` 1.0 unless
 * given; `cycle`), `CosineAnnealingDecay`, `PiecewiseDecay`, `StepDecay`, `MultiStepDecay`,
 * `ExponentialDecay`, `NaturalExpDecay`, `InverseTimeDecay`, and a constant `ConstantLR`. `warmup_iters` with
 * `warmup_start_lr` wraps any of them in Paddle's `LinearWarmup` (linear from `warmup_start_lr` to
 * `learning_rate`, then the schedule shifted by the warmup).
 *
 * @example
 * ```ts
 * import { createLrScheduler } from "./lr_scheduler.ts";
 * const lr = createLrScheduler({ type: "PolynomialDecay", learning_rate: 0.01, power: 0.9, end_lr: 0 }, { iters: 1000 });
 * lr(0);     // 0.01
 * lr(500);   // 0.01 · 0.5^0.9
 * ```
 * @module
 */
import { ConfigError } from "../config/config_error.ts";
import {
  boolean,
  type Field,
  integer,
  listOf,
  mapping,
  number,
  readSection,
  readType,
} from "../config/schema.ts";

/** A schedule: the learning rate of the step taken after `t` completed iterations. */
export interface LrScheduler {
  (t: number): number;
  /** The section with defaults filled in. */
  readonly config: Readonly<Record<string, unknown>>;
}

/** A section's values after checking (numbers, lists, flags by schedule type). */
// deno-lint-ignore no-explicit-any
type Params = Record<string, any>;

const lrField: Field = { check: number({ min: 0 }), doc: "the initial learning rate" };

const SCHEDULES: Record<
  string,
  { fields: Record<string, Field>; make: (p: Params, steps: number) => (t: number) => number }
> = {
  PolynomialDecay: {
    fields: {
      learning_rate: lrField,
      decay_steps: { check: integer({ min: 1 }), optional: true },
      end_lr: { check: number({ min: 0 }), default: 1e-4 },
      power: { check: number({ min: 0 }), default: 1.0 },
      cycle: { check: boolean, default: false },
    },
    make: (p, steps) => {
      const base = p.learning_rate, end = p.end_lr, power = p.power, decay = p.decay_steps ?? steps;
      return (t) => {
        let d = decay, e = t;
        if (p.cycle) d = decay * Math.max(1, Math.ceil(t / decay));
        else e = Math.min(t, decay);
        return (base - end) * Math.pow(1 - e / d, power) + end;
      };
    },
  },
  CosineAnnealingDecay: {
    fields: {
      learning_rate: lrField,
      T_max: { check: integer({ min: 1 }), optional: true },
      eta_min: { check: number({ min: 0 }), default: 0 },
    },
    make: (p, steps) => {
      const tMax = p.T_max ?? steps;
      return (t) => p.eta_min + (p.learning_rate - p.eta_min) * (1 + Math.cos((Math.PI * t) / tMax)) / 2;
    },
  },
  PiecewiseDecay: {
    fields: {
      boundaries: { check: listOf(integer({ min: 0 }), { minLength: 1 }) },
      values: { check: listOf(number({ min: 0 }), { minLength: 2 }) },
    },
    make: (p) => (t) => {
      const b = p.boundaries as number[], v = p.values as number[];
      for (let i = 0; i < b.length; i++) if (t < b[i]) return v[i];
      return v[b.length];
    },
  },
  StepDecay: {
    fields: {
      learning_rate: lrField,
      step_size: { check: integer({ min: 1 }) },
      gamma: { check: number({ min: 0 }), default: 0.1 },
    },
    make: (p) => (t) => p.learning_rate * Math.pow(p.gamma, Math.floor(t / p.step_size)),
  },
  MultiStepDecay: {
    fields: {
      learning_rate: lrField,
      milestones: { check: listOf(integer({ min: 0 }), { minLength: 1 }) },
      gamma: { check: number({ min: 0 }), default: 0.1 },
    },
    make: (p) => (t) =>
      p.learning_rate * Math.pow(p.gamma, (p.milestones as number[]).filter((m) => t >= m).length),
  },
  ExponentialDecay: {
    fields: { learning_rate: lrField, gamma: { check: number({ min: 0 }) } },
    make: (p) => (t) => p.learning_rate * Math.pow(p.gamma, t),
  },
  NaturalExpDecay: {
    fields: { learning_rate: lrField, gamma: { check: number({ min: 0 }) } },
    make: (p) => (t) => p.learning_rate * Math.exp(-p.gamma * t),
  },
  InverseTimeDecay: {
    fields: { learning_rate: lrField, gamma: { check: number({ min: 0 }) } },
    make: (p) => (t) => p.learning_rate / (1 + p.gamma * t),
  },
  ConstantLR: {
    fields: { learning_rate: lrField },
    make: (p) => () => p.learning_rate,
  },
};

/** The schedule types seglab knows. */
export const LR_SCHEDULER_TYPES: readonly string[] = Object.keys(SCHEDULES);

/**
 * Builds a schedule from an `lr_scheduler:` section. `iters` (the run's length) sets the default
 * decay length; `path` names the section in errors.
 */
export function createLrScheduler(section: unknown, opts: { iters: number; path?: string }): LrScheduler {
  const path = opts.path ?? "lr_scheduler";
  const obj = mapping(section, path);
  const type = readType(obj, path, LR_SCHEDULER_TYPES, "schedule");
  const spec = SCHEDULES[type];
  const p = readSection<Params>(obj, path, {
    type: { check: (v) => v },
    ...spec.fields,
    warmup_iters: { check: integer({ min: 0 }), optional: true },
    warmup_start_lr: { check: number({ min: 0 }), optional: true },
  }, { what: type });
  const warm = p.warmup_iters ?? 0;
  if (p.warmup_iters !== undefined && p.warmup_start_lr === undefined) {
    throw new ConfigError(
      `${path}: warmup_iters needs warmup_start_lr (the rate warmup starts from), as in PaddleSeg`,
    );
  }
  if (type === "PiecewiseDecay" && (p.values as number[]).length !== (p.boundaries as number[]).length + 1) {
    throw new ConfigError(
      `${path}.values: needs one more item than boundaries (${(p.boundaries as number[]).length + 1}), got ` +
        `${(p.values as number[]).length}`,
    );
  }
  const inner = spec.make(p, Math.max(1, opts.iters - warm));
  const start = p.warmup_start_lr ?? 0;
  const peak = type === "PiecewiseDecay" ? (p.values as number[])[0] : p.learning_rate;
  const fn =
    ((t: number) => (t < warm ? (peak - start) * (t / warm) + start : inner(t - warm))) as LrScheduler;
  const config: Record<string, unknown> = { ...p, type };
  if (type === "PolynomialDecay" && config.decay_steps === undefined) {
    config.decay_steps = Math.max(1, opts.iters - warm);
  }
  for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
  Object.defineProperty(fn, "config", { value: Object.freeze(config) });
  return fn;
}
