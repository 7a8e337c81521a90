/**
 * The gradient of `GatherNd` (missing in tfjs-core on every backend): the output gradient
 * scattered back with `scatterND`, which sums repeated indices.
 * @module
 */
import { tf } from "../../core/tf.ts";

/** Gradient config for `GatherNd` (the indices have no gradient). */
export const gatherNdGradConfig: tf.GradConfig = {
  kernelName: "GatherNd",
  inputsToSave: ["params", "indices"],
  gradFunc: (dys, saved) => {
    const dy = dys as tf.Tensor;
    const [params, indices] = saved;
    return {
      params: () => tf.scatterND(indices, dy, params.shape),
      indices: () => tf.zerosLike(indices),
    };
  },
};
