/**
 * Segmentation models built from PaddleSeg `model:` configs, as tf.layers graphs (NHWC):
 * OCRNet on HRNet (W18 and PaddleSeg's other widths and small variants) and U-Net (PaddleSeg's,
 * with configurable width and depth).
 *
 * @example
 * ```ts
 * import { createModel, tf } from "seglab";
 * const model = createModel({ type: "UNet", num_classes: 2, base_channels: 8, depth: 2 }, { seed: 0 });
 * const [logits] = model.apply(tf.zeros([1, 32, 32, 3]) as tf.Tensor4D);   // [1,32,32,2]
 * ```
 * @module
 */
export { BACKBONE_TYPES, createModel, MODEL_TYPES } from "./create_model.ts";
export type { CreateModelOptions } from "./create_model.ts";
export { SegModel } from "./seg_model.ts";
export type { ApplyOptions, ModelConfig } from "./seg_model.ts";
export { HRNET_DEFAULTS, HRNET_PRESETS } from "./hrnet.ts";
export type { HRNetParams } from "./hrnet.ts";
export type { OCRHeadParams } from "./ocrnet.ts";
export type { UNetParams } from "./unet.ts";
export { withForwardSeed } from "./layers/random_context.ts";
export { mixSeed } from "./seed.ts";
export { findLayer, Recompute, recomputeBlocks, recomputed, setRecompute } from "./layers/recompute.ts";
export { estimateTrainingMemory } from "./memory_estimate.ts";
export type { MemoryEstimate } from "./memory_estimate.ts";
