/**
 * The loss terms of a training step computed as one recomputation block
 * (`models/layers/recompute.ts`): the forward pass keeps only the model's outputs, and the loss's
 * intermediates and their gradients — several full-resolution tensors per class channel — live
 * only while the loss's backward pass runs. Used when the memory plan recomputes the model.
 * @module
 */
import type { tf } from "../core/tf.ts";
import type { LossConfig } from "../losses/loss_config.ts";
import type { LossExtras, LossTerm } from "../losses/types.ts";
import { recomputed } from "../models/layers/recompute.ts";

/** `loss.terms(outputs, labels, extras)`, recomputed in the backward pass. */
export function recomputedTerms(
  loss: LossConfig,
  outputs: tf.Tensor4D[],
  labels: tf.Tensor3D,
  extras?: LossExtras,
): LossTerm[] {
  let names: string[] = [];
  const values = recomputed(
    (outs) => {
      const terms = loss.terms(outs as tf.Tensor4D[], labels, extras);
      names = terms.map((t) => t.name);
      return terms.map((t) => t.value);
    },
    outputs,
    [],
  );
  return names.map((name, i) => ({ name, value: values[i] as tf.Scalar }));
}
