/**
 * `LayerBuilder`: the small vocabulary PaddleSeg's models are written in — Conv2D, ConvBN,
 * ConvBNReLU, residual adds, bilinear resizes — as tf.layers applied to symbolic tensors, with
 * names that are stable (so checkpoints match weights by name) and initialisers seeded from
 * `(seed, layer name)` (so a model's initial weights depend only on its config and seed, not on
 * what else was built in the process).
 *
 * Defaults follow Paddle: Conv2D weights Normal(0, √(2 / fan_in)) and zero bias; batch norm
 * momentum 0.9, epsilon 1e-5, scale 1, shift 0. Convolutions and batch norms are seglab's own
 * layers (`layers/conv2d.ts`, `layers/batch_norm.ts`), whose gradients keep far fewer tensors
 * than tf.layers' fused convolution and batch normalisation.
 *
 * @example
 * ```ts
 * import { tf } from "../core/tf.ts";
 * import { LayerBuilder } from "./builder.ts";
 * const b = new LayerBuilder(42);
 * const x = tf.input({ shape: [null, null, 3] });
 * const y = b.convBNReLU(x, { name: "stem", filters: 16, kernel: 3, stride: 2 });
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { mixSeed } from "./seed.ts";
import { ResizeLike } from "./layers/resize_like.ts";
import { Conv2D } from "./layers/conv2d.ts";
import { BatchNorm } from "./layers/batch_norm.ts";

/** A symbolic tensor of the functional tf.layers API. */
export type Sym = tf.SymbolicTensor;

/** How a convolution's weights start: Paddle's default (He normal, fan-in) or Normal(0, std). */
export type ConvInit = "kaiming" | { std: number };

/** Options of one convolution. */
export interface ConvOptions {
  name: string;
  filters: number;
  kernel: number;
  stride?: number;
  /** Paddle's `bias_attr`; default true for a bare conv, false inside ConvBN / ConvBNReLU unless set. */
  bias?: boolean;
  init?: ConvInit;
}

function hashName(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h;
}

/** Builds named, deterministically initialised layers. */
export class LayerBuilder {
  /** Every layer made, by name (names must be unique in a model). */
  readonly layers = new Map<string, tf.layers.Layer>();

  constructor(readonly seed: number, readonly defaultInit: ConvInit = "kaiming") {}

  /** The seed of the initialiser of `name`. */
  seedFor(name: string): number {
    return mixSeed(this.seed, hashName(name));
  }

  #add<L extends tf.layers.Layer>(layer: L): L {
    if (this.layers.has(layer.name)) throw new Error(`model builder: two layers are named "${layer.name}"`);
    this.layers.set(layer.name, layer);
    return layer;
  }

  /** A Conv2D ('same' padding, as PaddleSeg's layers use). */
  conv(x: Sym, o: ConvOptions): Sym {
    const init = o.init ?? this.defaultInit;
    const inChannels = x.shape[x.shape.length - 1] as number;
    const std = init === "kaiming" ? Math.sqrt(2 / (o.kernel * o.kernel * inChannels)) : init.std;
    const layer = this.#add(
      new Conv2D({
        name: o.name,
        filters: o.filters,
        kernelSize: o.kernel,
        strides: o.stride ?? 1,
        useBias: o.bias ?? true,
        std,
        seed: this.seedFor(o.name),
      }),
    );
    return layer.apply(x) as Sym;
  }

  /** BatchNorm2D with Paddle's defaults (momentum 0.9, epsilon 1e-5), optionally fused with ReLU. */
  bn(x: Sym, name: string, relu = false): Sym {
    return this.#add(new BatchNorm({ name, momentum: 0.9, epsilon: 1e-5, relu })).apply(x) as Sym;
  }

  relu(x: Sym, name: string): Sym {
    return this.#add(tf.layers.reLU({ name })).apply(x) as Sym;
  }

  /** Conv → BN (PaddleSeg's `layers.ConvBN`). */
  convBN(x: Sym, o: ConvOptions): Sym {
    return this.bn(this.conv(x, { ...o, bias: o.bias ?? false, name: `${o.name}.conv` }), `${o.name}.bn`);
  }

  /** Conv → BN → ReLU (PaddleSeg's `layers.ConvBNReLU`); the BN layer applies the ReLU. */
  convBNReLU(x: Sym, o: ConvOptions): Sym {
    return this.bn(
      this.conv(x, { ...o, bias: o.bias ?? false, name: `${o.name}.conv` }),
      `${o.name}.bn`,
      true,
    );
  }

  add(xs: Sym[], name: string): Sym {
    return xs.length === 1 ? xs[0] : this.#add(tf.layers.add({ name })).apply(xs) as Sym;
  }

  concat(xs: Sym[], name: string): Sym {
    return this.#add(tf.layers.concatenate({ name, axis: -1 })).apply(xs) as Sym;
  }

  /** Bilinear resize of `x` to the spatial size of `ref`. */
  resizeLike(x: Sym, ref: Sym, name: string, alignCorners = false): Sym {
    return this.#add(new ResizeLike({ name, alignCorners })).apply([x, ref]) as Sym;
  }

  maxPool(x: Sym, name: string): Sym {
    return this.#add(tf.layers.maxPooling2d({ name, poolSize: 2, strides: 2, padding: "valid" })).apply(
      x,
    ) as Sym;
  }

  /** Any other layer, registered under its name. */
  layer<L extends tf.layers.Layer>(layer: L): L {
    return this.#add(layer);
  }
}
