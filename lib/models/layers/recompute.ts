/**
 * Activation recomputation (gradient checkpointing): `Recompute` wraps a block of layers (a
 * nested tf.layers model) so that, in training, the forward pass keeps only the block's inputs;
 * the backward pass runs the block again under a fresh gradient tape and takes the gradients of
 * the inputs and the block's variables from that second run. Live memory then holds the inputs
 * of every block plus the activations of one block at a time, instead of every activation of the
 * network, for the price of a second forward pass of each wrapped block.
 *
 * The second forward pass must compute exactly what the first one did:
 * - layers that update state in training (batch norms' moving statistics) update it once: the
 *   block's non-trainable weights are restored after the recomputation;
 * - layers that draw random numbers (dropout) draw the same numbers: the recomputation replays
 *   the forward seed the block saw ({@linkcode forwardSeedState}).
 *
 * A block whose recomputation is switched off ({@linkcode setRecompute}) runs as a plain nested
 * model: the same graph, the same weights, every activation kept.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { forwardSeedState, replayForwardSeed, withForwardSeed } from "./random_context.ts";
import { leanGradients } from "./lean_gradients.ts";

type Shape = (number | null)[];

interface EngineInternals {
  state: { activeTape: unknown };
}

/**
 * Runs `fn(xs)` so that its intermediates are freed after the forward pass and recomputed in
 * the backward pass. `variables` are the trainable variables `fn` reads (their gradients flow
 * out as for any op); `state` are variables `fn` may overwrite (restored after recomputing).
 * Returns `fn`'s outputs.
 */
export function recomputed(
  fn: (xs: tf.Tensor[]) => tf.Tensor[],
  xs: tf.Tensor[],
  variables: tf.Variable[],
  state: { read(): tf.Tensor; write(t: tf.Tensor): unknown }[] = [],
): tf.Tensor[] {
  const engine = tf.engine() as unknown as EngineInternals;
  let shapes: number[][] = [];
  // One output tensor for customGrad: several outputs travel flattened and concatenated.
  const run = (ins: tf.Tensor[]): tf.Tensor => {
    const ys = fn(ins);
    shapes = ys.map((y) => y.shape);
    return ys.length === 1 ? ys[0] : tf.concat(ys.map((y) => tf.reshape(y, [-1])));
  };
  const nx = xs.length;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const ins = args.slice(0, nx) as tf.Tensor[];
    // Outside a seeded scope, give the block a seed of its own so that dropout can be replayed.
    const seed = forwardSeedState() ?? { seed: (Math.random() * 2 ** 31) | 0, calls: 0 };
    const forward = () => tf.tidy(() => run(ins));
    const value = forwardSeedState() ? forward() : withForwardSeed(seed.seed, forward);
    save(ins);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const outerTape = engine.state.activeTape;
        const before = state.map((v) => v.read().clone());
        try {
          const { grads } = replayForwardSeed(
            seed,
            () => leanGradients(() => run(saved), [...saved, ...variables], dy),
          );
          // TensorFlow.js keeps every gradient of a backward pass until the pass ends. This one is
          // read once, here (each tensor's gradient is read by the op that made it): free it now.
          dy.dispose();
          const all = [...saved, ...variables];
          return grads.map((g, i) => g ?? tf.zerosLike(all[i]));
        } finally {
          // leanGradients() clears the tape when it ends: give the outer pass its own back.
          engine.state.activeTape = outerTape;
          state.forEach((v, i) => v.write(before[i]));
          before.forEach((t) => t.dispose());
        }
      },
    };
  });
  const flat = op(...xs, ...variables) as tf.Tensor;
  if (shapes.length === 1) return [flat];
  const sizes = shapes.map((s) => s.reduce((a, b) => a * b, 1));
  const parts = tf.split(flat, sizes);
  flat.dispose();
  return parts.map((p, i) => {
    const r = tf.reshape(p, shapes[i]);
    p.dispose();
    return r;
  });
}

/** A block of layers (a nested model) whose activations are recomputed in the backward pass. */
export class Recompute extends tf.layers.Layer {
  static className = "SeglabRecompute";
  /** Recompute in training (true) or keep every activation as a plain nested model (false). */
  enabled: boolean;
  readonly inner: tf.LayersModel;

  constructor(args: { inner: tf.LayersModel; name?: string; enabled?: boolean }) {
    super({ name: args.name });
    this.inner = args.inner;
    this.enabled = args.enabled ?? true;
  }

  override build(): void {
    this.built = true;
  }

  override get trainableWeights(): tf.LayerVariable[] {
    return this.inner?.trainableWeights ?? [];
  }

  override get nonTrainableWeights(): tf.LayerVariable[] {
    return this.inner?.nonTrainableWeights ?? [];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return this.inner.computeOutputShape(inputShape) as Shape | Shape[];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor | tf.Tensor[] {
    const xs = Array.isArray(inputs) ? inputs : [inputs];
    const training = kwargs.training ?? false;
    const direct = (ins: tf.Tensor[]) => {
      const out = this.inner.apply(ins.length === 1 ? ins[0] : ins, { training }) as tf.Tensor | tf.Tensor[];
      return Array.isArray(out) ? out : [out];
    };
    const single = (ys: tf.Tensor[]) => (ys.length === 1 ? ys[0] : ys);
    if (!training || !this.enabled) return single(direct(xs));
    const vars = this.inner.trainableWeights.map((w) => w.read() as tf.Variable);
    return single(recomputed(direct, xs, vars, this.inner.nonTrainableWeights));
  }

  /** The weights are the inner model's: it disposes them. */
  protected override disposeWeights(): number {
    return 0;
  }

  override dispose(): { refCountAfterDispose: number; numDisposedVariables: number } {
    const r = super.dispose();
    if (r.refCountAfterDispose === 0) r.numDisposedVariables = this.inner.dispose().numDisposedVariables;
    return r;
  }

  /** Serialisable with its block, so `tf.loadLayersModel` can rebuild a saved model. */
  override getConfig(): tf.serialization.ConfigDict {
    const inner = { className: this.inner.getClassName(), config: this.inner.getConfig() };
    return {
      ...super.getConfig(),
      enabled: this.enabled,
      inner: inner as unknown as tf.serialization.ConfigDict,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const { inner, ...rest } = config as { inner: { config: tf.serialization.ConfigDict } };
    const model = tf.LayersModel.fromConfig(tf.LayersModel, inner.config) as tf.LayersModel;
    return new cls({ ...rest, inner: model });
  }
}

tf.serialization.registerClass(Recompute);

/** Every `Recompute` block of a model (nested ones included). */
export function recomputeBlocks(net: tf.LayersModel): Recompute[] {
  const found: Recompute[] = [];
  const walk = (layers: tf.layers.Layer[]) => {
    for (const l of layers) {
      if (l instanceof Recompute) {
        found.push(l);
        walk(l.inner.layers);
      }
    }
  };
  walk(net.layers);
  return found;
}

/** Switches recomputation of every block of `net` on or off; returns how many blocks it has. */
export function setRecompute(net: tf.LayersModel, on: boolean): number {
  const blocks = recomputeBlocks(net);
  for (const b of blocks) b.enabled = on;
  return blocks.length;
}

/** The layer called `name` in `net` or inside one of its blocks (`LayersModel.getLayer` sees only the top). */
export function findLayer(net: tf.LayersModel, name: string): tf.layers.Layer {
  const walk = (layers: tf.layers.Layer[]): tf.layers.Layer | undefined => {
    for (const l of layers) {
      if (l.name === name) return l;
      const inner = l instanceof Recompute ? walk(l.inner.layers) : undefined;
      if (inner) return inner;
    }
    return undefined;
  };
  const found = walk(net.layers);
  if (!found) throw new Error(`${net.name}: no layer is named "${name}"`);
  return found;
}
