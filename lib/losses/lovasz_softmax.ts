/**
 * `LovaszSoftmaxLoss`: the Lovász-Softmax surrogate of the mean-IoU loss (Berman, Rannen Triki,
 * Blaschko, CVPR 2018), with PaddleSeg's parameters and semantics: softmax is applied inside,
 * `classes` is `"present"` (default), `"all"` or a list, ignored pixels are dropped.
 * Also `per_image` (Berman's option; PaddleSeg always computes over the whole batch).
 *
 * Defects of the references fixed here: a batch whose pixels are all ignored gives 0 with zero
 * gradient (PaddleSeg and Berman return an empty tensor that breaks training).
 *
 * Ties: errors are sorted with a stable descending sort — equal errors keep ascending pixel
 * order — which reproduces the reference gradients exactly; the loss value is tie-order free.
 *
 * @example
 * ```ts
 * import { createLoss, tf } from "seglab";
 * const loss = createLoss({ type: "LovaszSoftmaxLoss", classes: "present" });
 * const logits = tf.randomNormal([1, 4, 4, 3]) as tf.Tensor4D;
 * const labels = tf.tensor3d([[[0, 1, 2, 255], [0, 1, 2, 0], [1, 1, 2, 2], [0, 0, 0, 1]]], undefined, "int32");
 * loss.compute(logits, labels).print();
 * ```
 * @module
 */
import { tf } from "../core/tf.ts";
import { LossError } from "./errors.ts";
import { bool, type Check, num, type ParamSchema } from "./params.ts";
import { validateInputs } from "./validate.ts";
import type { LovaszClasses } from "./lovasz_classes.ts";
import { lovaszSoftmaxFused } from "./lovasz_softmax_fused.ts";
import type { WasmBackend } from "../backend/wasm/heap.ts";
import { lovaszSoftmaxTensor } from "./lovasz_tensor.ts";
import { type LovaszImpl, resolveImpl, taping } from "./lovasz_path.ts";

const classesCheck: Check<LovaszClasses> = (v) => {
  if (v === "present" || v === "all") return v;
  if (Array.isArray(v) && v.length > 0 && v.every((x) => Number.isInteger(x) && x >= 0)) return v as number[];
  throw new Error(`expected "present", "all" or a non-empty list of class ids, got ${JSON.stringify(v)}`);
};

/** Parameters of `LovaszSoftmaxLoss`. */
export const lovaszSoftmaxParams: ParamSchema = {
  ignore_index: { default: 255, check: num({ integer: true }), doc: "label value to ignore" },
  classes: { default: "present", check: classesCheck, doc: '"present", "all", or a list of class ids' },
  per_image: { default: false, check: bool, doc: "average per-image losses (Berman's option)" },
};

/** Options of {@linkcode lovaszSoftmax}. */
export interface LovaszSoftmaxOptions {
  classes?: LovaszClasses;
  perImage?: boolean;
  ignoreIndex?: number;
  /** Implementation; `"auto"` picks the typed path on CPU backends. */
  impl?: LovaszImpl;
}

/** The Lovász-Softmax loss of NHWC `logits` against NHW `labels` (checked). */
export function lovaszSoftmax(
  logits: tf.Tensor4D,
  labels: tf.Tensor3D,
  opts: LovaszSoftmaxOptions = {},
): tf.Scalar {
  const who = "LovaszSoftmaxLoss";
  const classes = opts.classes ?? "present",
    perImage = opts.perImage ?? false,
    ignoreIndex = opts.ignoreIndex ?? 255;
  return tf.tidy(() => {
    const lab = validateInputs(who, logits, labels, { ignoreIndex });
    const c = logits.shape[3];
    if (c < 2) {
      throw new LossError(
        `${who}: logits have ${c} channel; it needs one channel per class (≥ 2). ` +
          `For a single-channel binary output use LovaszHingeLoss`,
      );
    }
    if (Array.isArray(classes)) {
      const bad = classes.find((k) => k >= c);
      if (bad !== undefined) {
        throw new LossError(`${who}.classes: class ${bad} is out of range for ${c} channels`);
      }
    }
    if (resolveImpl(opts.impl) === "tensor") {
      return lovaszSoftmaxTensor(logits, lab, { classes, perImage, ignoreIndex });
    }
    return typedLovaszSoftmaxOp(logits, lab.dataSync(), { classes, perImage, ignoreIndex });
  });
}

/**
 * The typed path as a differentiable op: the softmax in TensorFlow.js, then the sort, weights,
 * loss and the gradient through the softmax in one JavaScript kernel over the pixel-major
 * probabilities (`lovasz_softmax_fused.ts`), the gradient computed only while a tape records.
 */
function typedLovaszSoftmaxOp(
  logits: tf.Tensor4D,
  labelData: ArrayLike<number>,
  opts: { classes: LovaszClasses; perImage: boolean; ignoreIndex: number },
): tf.Scalar {
  const f = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor4D;
    const [n, h, w, c] = x.shape;
    const probs = tf.softmax(x);
    // On wasm, a view of the heap instead of an 80 MB copy: nothing allocates before the kernel ends.
    const data = tf.getBackend() === "wasm"
      ? (tf.backend() as unknown as WasmBackend).typedArrayFromHeap(probs) as Float32Array
      : probs.dataSync() as Float32Array;
    const r = lovaszSoftmaxFused({
      probs: data,
      labels: labelData,
      n,
      hw: h * w,
      c,
      ...opts,
      wantGrad: taping(),
    });
    probs.dispose();
    return {
      value: tf.scalar(r.loss),
      gradFunc: (dy: tf.Tensor) => {
        const g = r.gradLogits;
        if (!g) throw new Error("LovaszSoftmaxLoss: gradient requested outside a gradient tape");
        r.gradLogits = null; // the op's gradient is taken once; the array goes to the tensor
        const s = dy.dataSync()[0];
        if (s !== 1) { for (let i = 0; i < g.length; i++) g[i] *= s; }
        return tf.tensor4d(g, x.shape);
      },
    };
  });
  return f(logits) as tf.Scalar;
}

/** Builds the loss from resolved parameters. */
export function buildLovaszSoftmax(p: Record<string, unknown>) {
  const opts: LovaszSoftmaxOptions = {
    classes: p.classes as LovaszClasses,
    perImage: p.per_image as boolean,
    ignoreIndex: p.ignore_index as number,
  };
  return (logits: tf.Tensor4D, labels: tf.Tensor3D) => lovaszSoftmax(logits, labels, opts);
}
