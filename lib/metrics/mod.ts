/**
 * Metrics: confusion-matrix accumulation over a validation set and mIoU, per-class IoU,
 * accuracy, kappa, Dice, precision and recall, with PaddleSeg 2.9's conventions.
 * @module
 */
export {
  addLogitsToConfusion,
  addLogitsToConfusionAsync,
  addToConfusion,
  addToConfusionAsync,
  confusionMatrix,
  confusionMatrixAsync,
  emptyConfusion,
  sumConfusion,
} from "./confusion_matrix.ts";
export type { ConfusionMatrix } from "./confusion_matrix.ts";
export { metricsBundle, metricsLine, segMetrics } from "./seg_metrics.ts";
export type { SegMetrics } from "./seg_metrics.ts";
