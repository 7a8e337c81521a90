/**
 * PaddleSeg's data transforms, from YAML: `ResizeStepScaling`, `RandomPaddingCrop`,
 * `RandomHorizontalFlip`, `RandomVerticalFlip`, `RandomDistort`, `Resize`, `ResizeByLong`,
 * `ResizeByShort`, `Normalize`. Images bilinear, labels nearest; deterministic under a seed.
 * @module
 */
export { applyTransforms, createTransforms, TRANSFORMS } from "./compose.ts";
export type { TransformSpec, TransformType } from "./compose.ts";
export { TransformError } from "./params.ts";
export type { LabelArray, Transform, TransformContext, WorkSample } from "./sample.ts";
export { resizeBilinear, resizeNearestLabel } from "./resize_kernels.ts";
