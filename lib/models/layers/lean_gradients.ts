/**
 * Gradients of `f` with respect to `xs` that free memory as the backward pass goes:
 * `tf.engine().gradients()` keeps every gradient and every tensor saved for the backward pass
 * until the whole pass ends, so a block's backward pass peaks at all its activations plus all
 * their gradients. Here, walking the same tape in the same order with the same gradient
 * functions, a tensor's gradient is freed as soon as the op that produced the tensor has taken
 * it, and an op's saved tensors as soon as its gradient is computed. The peak becomes the
 * activations not yet passed plus the gradients at the frontier. The arithmetic is the same as
 * TensorFlow.js's (same ops, same order, same accumulation), so the results are identical.
 *
 * Used by activation recomputation (`recompute.ts`) for each block's backward pass.
 * @module
 */
import { tf } from "../../core/tf.ts";

interface TapeNode {
  id: number;
  kernelName: string;
  inputs: Record<string, tf.Tensor>;
  outputs: tf.Tensor[];
  saved?: tf.Tensor[];
  gradient?: (dys: (tf.Tensor | null)[]) => Record<string, () => tf.Tensor>;
}

interface Engine {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T>(name: string | (() => T), f?: () => T): T;
}

/** The tape's nodes that depend on `xs` and lead to `y`, their inputs pruned to those from `xs`. */
function pathsXToY(tape: TapeNode[], xs: tf.Tensor[], y: tf.Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodeFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      nodeFromX.add(node.id);
      node.outputs.forEach((o) => fromX.add(o.id));
    }
  }
  const toY = new Set([y.id]);
  const nodeToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i];
    if (node.outputs.some((o) => toY.has(o.id))) {
      nodeToY.add(node.id);
      Object.values(node.inputs).forEach((t) => toY.add(t.id));
    }
  }
  return tape.filter((n) => nodeFromX.has(n.id) && nodeToY.has(n.id)).map((n) => ({
    ...n,
    inputs: Object.fromEntries(Object.entries(n.inputs).filter(([, t]) => fromX.has(t.id))),
  }));
}

/** Accumulated gradients by tensor id; a tensor object held under two ids is freed only once unheld. */
class GradientMap {
  readonly #byId = new Map<number, tf.Tensor>();
  readonly #holds = new Map<tf.Tensor, number>();
  constructor(readonly external: tf.Tensor) {}

  get(id: number): tf.Tensor | undefined {
    return this.#byId.get(id);
  }

  set(id: number, g: tf.Tensor): void {
    this.#byId.set(id, g);
    this.#holds.set(g, (this.#holds.get(g) ?? 0) + 1);
  }

  /** Forgets the gradient of `id` and frees it unless it is held elsewhere (or is the caller's dy). */
  drop(id: number): void {
    const g = this.#byId.get(id);
    if (!g) return;
    this.#byId.delete(id);
    const n = (this.#holds.get(g) ?? 1) - 1;
    if (n > 0) this.#holds.set(g, n);
    else {
      this.#holds.delete(g);
      this.free(g);
    }
  }

  /** Frees `t` unless the map holds it or it is the caller's dy. */
  free(t: tf.Tensor): void {
    if (t !== this.external && !this.#holds.has(t)) t.dispose();
  }
}

/** Runs `f` on a fresh tape and walks it back from `dy`, freeing as it goes (the functions below). */
function walk(
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy: tf.Tensor,
  keepValue: boolean,
): { value: tf.Tensor | null; shape: number[]; grads: (tf.Tensor | undefined)[] } {
  const engine = tf.engine() as unknown as Engine;
  const release = (tape: TapeNode[]) => {
    if (engine.state.gradientDepth !== 0) return;
    tape.forEach((node) => node.saved?.forEach((t) => t.dispose()));
    engine.state.activeTape = null;
  };
  let y: tf.Tensor;
  try {
    y = engine.scopedRun(
      () => engine.startTape(),
      () => engine.endTape(),
      () => engine.tidy("forward", f),
    ) as tf.Tensor;
  } catch (e) {
    release(engine.state.activeTape ?? []);
    throw e;
  }
  const tape = engine.state.activeTape ?? [];
  const nodes = pathsXToY(tape, xs, y);
  // Only y's id is needed below (ops that need their outputs saved clones of them): a caller that
  // has the value already (a recomputed block) lets it go now.
  const yId = y.id, yShape = y.shape;
  if (!keepValue) y.dispose();
  try {
    const out = engine.tidy("backward", (): (tf.Tensor | null)[] => {
      const grads = new GradientMap(dy);
      grads.set(yId, dy);
      for (let i = nodes.length - 1; i >= 0; i--) {
        const node = nodes[i];
        if (!node.gradient) {
          throw new Error(`Cannot compute gradient: no gradient function for ${node.kernelName}.`);
        }
        const inputGradients = node.gradient(node.outputs.map((o) => grads.get(o.id) ?? null));
        for (const [name, x] of Object.entries(node.inputs)) {
          if (!(name in inputGradients)) {
            throw new Error(`Cannot backprop through input ${name} of ${node.kernelName}.`);
          }
          const dx = engine.tidy(() => inputGradients[name]());
          if (dx.dtype !== "float32") {
            throw new Error(
              `Error in gradient for op ${node.kernelName}: the gradient of input ${name} is ${dx.dtype}`,
            );
          }
          const cur = grads.get(x.id);
          if (!cur) {
            grads.set(x.id, dx);
          } else {
            const sum = tf.add(cur, dx);
            grads.drop(x.id);
            grads.free(dx);
            grads.set(x.id, sum);
          }
        }
        // Nothing before this op on the tape reads its outputs' gradients or its saved tensors.
        node.outputs.forEach((o) => grads.drop(o.id));
        node.saved?.forEach((t) => t.dispose());
      }
      return xs.map((x) => grads.get(x.id) ?? null);
    });
    return { value: keepValue ? y : null, shape: yShape, grads: out.map((g) => g ?? undefined) };
  } catch (e) {
    if (keepValue) y.dispose();
    throw e;
  } finally {
    release(tape);
  }
}

/**
 * `tf.engine().gradients(f, xs, dy, true)`, freeing each gradient and saved tensor once the
 * backward pass no longer needs it, and `f`'s value right after it is computed. Returns the
 * value's shape and the gradients (undefined where `f`
 * does not depend on an x). Must run where no outer gradient is being recorded (inside a
 * `customGrad` gradient function, as `recompute.ts` does); the caller restores any outer tape.
 */
export function leanGradients(
  f: () => tf.Tensor,
  xs: tf.Tensor[],
  dy: tf.Tensor,
): { shape: number[]; grads: (tf.Tensor | undefined)[] } {
  const { shape, grads } = walk(f, xs, dy, false);
  return { shape, grads };
}

/**
 * `tf.variableGrads(f, vars)` with the freeing walk: the value of the scalar `f` and the gradients
 * of the variables it depends on, by variable name. For a training step's outer pass: each
 * tensor a recomputed block saved, and each gradient, is freed once the pass is past it.
 */
export function leanVariableGrads(
  f: () => tf.Scalar,
  vars: tf.Variable[],
): { value: tf.Scalar; grads: tf.NamedTensorMap } {
  const one = tf.scalar(1);
  try {
    const { value, grads } = walk(f, vars, one, true);
    const named: tf.NamedTensorMap = {};
    vars.forEach((v, i) => {
      if (grads[i]) named[v.name] = grads[i]!;
    });
    return { value: value as tf.Scalar, grads: named };
  } finally {
    one.dispose();
  }
}
