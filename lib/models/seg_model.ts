/**
 * `SegModel`: a segmentation network built from a PaddleSeg `model:` config — its tf.layers
 * graph (NHWC), the config it came from (defaults filled in), and a forward pass with
 * PaddleSeg's conventions: in training, every output in PaddleSeg's order (OCRNet:
 * `[main, aux]`), each upsampled to the input size; in evaluation, the main logits only.
 *
 * @example
 * ```ts
 * import { createModel, tf } from "seglab";
 * const model = createModel({ type: "OCRNet", backbone: { type: "HRNet_W18_Small_V1" }, num_classes: 2 });
 * const [main, aux] = model.apply(tf.zeros([1, 64, 64, 3]), { training: true });   // both [1,64,64,2]
 * const [logits] = model.apply(tf.zeros([1, 64, 64, 3]));                          // evaluation
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { DISPLAY, type MimeBundle } from "../core/mime.ts";
import { escapeHtml } from "../core/escape.ts";

/** A model config with defaults filled in (JSON-serialisable; saved in checkpoints). */
export interface ModelConfig {
  type: string;
  num_classes: number;
  in_channels: number;
  [key: string]: unknown;
}

/** Options of {@linkcode SegModel.apply}. */
export interface ApplyOptions {
  /** Training mode: batch statistics, dropout, every output. Default false. */
  training?: boolean;
}

/** A built segmentation model. */
export class SegModel {
  /** `net` has every training output; `evalNet` shares its layers and has the main output only. */
  constructor(
    readonly config: ModelConfig,
    readonly net: tf.LayersModel,
    readonly evalNet: tf.LayersModel,
    /** Names of the training outputs, in order (e.g. `["main", "aux"]`). */
    readonly outputNames: readonly string[],
    /** The seed its initial weights were drawn from. */
    readonly seed: number,
  ) {}

  get type(): string {
    return this.config.type;
  }

  get numClasses(): number {
    return this.config.num_classes;
  }

  get inChannels(): number {
    return this.config.in_channels;
  }

  /** Number of outputs in training (the number of `loss.types` entries it needs). */
  get numOutputs(): number {
    return this.outputNames.length;
  }

  /** A one-line description: `OCRNet(HRNet_W18), 2 classes, 12.1M parameters, outputs [main, aux]`. */
  get description(): string {
    const bb = (this.config.backbone as { type?: string } | undefined)?.type;
    const n = this.countParams();
    const size = n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}k` : String(n);
    return `${this.type}${bb ? `(${bb})` : ""}, ${this.numClasses} classes, ${size} parameters, ` +
      `outputs [${this.outputNames.join(", ")}] in training, [${this.outputNames[0]}] in evaluation`;
  }

  /**
   * The forward pass on NHWC images. Training: every output (PaddleSeg's order); evaluation:
   * `[main]`. Logits are `[N,H,W,num_classes]` at the input's size.
   */
  apply(x: tf.Tensor4D, opts: ApplyOptions = {}): tf.Tensor4D[] {
    if (x.rank !== 4) {
      throw new Error(`${this.type}: expected images [N,H,W,${this.inChannels}], got shape [${x.shape}]`);
    }
    if (x.shape[3] !== this.inChannels) {
      throw new Error(
        `${this.type}: expected ${this.inChannels} input channels, got ${x.shape[3]} (shape [${x.shape}])`,
      );
    }
    const training = opts.training ?? false;
    const out = (training ? this.net : this.evalNet).apply(x, { training }) as tf.Tensor | tf.Tensor[];
    return (Array.isArray(out) ? out : [out]) as tf.Tensor4D[];
  }

  /** Class ids `[N,H,W]` (int32): argmax of the main logits in evaluation mode. */
  predict(x: tf.Tensor4D): tf.Tensor3D {
    return tf.tidy(() => tf.argMax(this.apply(x)[0], -1) as tf.Tensor3D);
  }

  /** The trainable variables (what the optimizer updates). */
  get trainableVariables(): tf.Variable[] {
    return this.net.trainableWeights.map((w) => w.read() as tf.Variable);
  }

  /** Every weight by its stable name (trainable ones and batch-norm statistics). */
  namedWeights(): { name: string; tensor: tf.Tensor; trainable: boolean }[] {
    return this.net.weights.map((w) => ({ name: w.originalName, tensor: w.read(), trainable: w.trainable }));
  }

  /** Number of trainable parameters. */
  countParams(): number {
    return this.net.trainableWeights.reduce(
      (n, w) => n + w.shape.reduce((a: number, b) => a * (b ?? 1), 1),
      0,
    );
  }

  /**
   * Replaces weights by name. Every model weight must be present with its shape unless
   * `partial` (then only the given names are set, e.g. a backbone); names the model lacks are
   * an error unless `ignoreExtra`. The error lists what differs.
   */
  setWeights(
    weights: Record<string, tf.Tensor>,
    opts: { partial?: boolean; ignoreExtra?: boolean; source?: string } = {},
  ): number {
    const src = opts.source ?? "the weights";
    const own = new Map(this.net.weights.map((w) => [w.originalName, w]));
    const missing = [...own.keys()].filter((n) => !(n in weights));
    const extra = Object.keys(weights).filter((n) => !own.has(n));
    const badShape = Object.keys(weights).filter((n) =>
      own.has(n) && own.get(n)!.shape.join(",") !== weights[n].shape.join(",")
    )
      .map((n) => `${n}: ${src} [${weights[n].shape}] vs model [${own.get(n)!.shape}]`);
    const problems: string[] = [];
    if (badShape.length) {
      problems.push(
        `${badShape.length} weight shape(s) differ (${badShape.slice(0, 3).join("; ")}${
          badShape.length > 3 ? "; …" : ""
        })`,
      );
    }
    if (!opts.partial && missing.length) {
      problems.push(
        `${missing.length} model weight(s) are missing (${missing.slice(0, 3).join(", ")}${
          missing.length > 3 ? ", …" : ""
        })`,
      );
    }
    if (!opts.ignoreExtra && extra.length) {
      problems.push(
        `${extra.length} weight(s) are not in this model (${extra.slice(0, 3).join(", ")}${
          extra.length > 3 ? ", …" : ""
        })`,
      );
    }
    if (problems.length) {
      throw new Error(
        `${src} do not fit ${this.type}${
          (this.config.backbone as { type?: string })?.type
            ? `(${(this.config.backbone as { type: string }).type})`
            : ""
        }: ${problems.join("; ")}`,
      );
    }
    let n = 0;
    for (const [name, t] of Object.entries(weights)) {
      const w = own.get(name);
      if (!w) continue;
      if (t.dtype !== w.dtype) {
        throw new Error(`${src}: weight ${name} has dtype ${t.dtype}, the model ${w.dtype}`);
      }
      w.write(t);
      n++;
    }
    return n;
  }

  /** Frees the weights. */
  dispose(): void {
    this.net.dispose();
  }

  [DISPLAY](): MimeBundle {
    const rows = Object.entries(this.config).map(([k, v]) =>
      `<tr><td>${escapeHtml(k)}</td><td><code>${escapeHtml(JSON.stringify(v))}</code></td></tr>`
    );
    return {
      "text/plain": this.description,
      "text/html": `<div><b>${escapeHtml(this.description)}</b><table>${rows.join("")}</table></div>`,
    };
  }

  toString(): string {
    return this.description;
  }
}
