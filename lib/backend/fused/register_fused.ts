/**
 * Installs seglab's fused training paths: the kernels (for `wasm` and `cpu`), their gradients,
 * the one-pass ReLU gradient, the fused batch norm inside `tf.layers`, and the one-kernel Adam
 * update. `ready()` calls it.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { registerFusedKernels } from "./fused_kernels.ts";
import { batchNormTrainingGradConfig } from "./batch_norm_training.ts";
import { reluGradConfig } from "./relu_grad.ts";
import { patchLayersBatchNorm } from "./layers_batch_norm.ts";
import { patchAdam } from "./adam.ts";
import { registerMovingAverages } from "./moving_averages.ts";

let done = false;

/** Idempotent. */
export function registerFusedTraining(): void {
  if (done) return;
  registerFusedKernels();
  registerMovingAverages();
  tf.registerGradient(batchNormTrainingGradConfig);
  tf.registerGradient(reluGradConfig);
  patchLayersBatchNorm();
  patchAdam();
  done = true;
}
