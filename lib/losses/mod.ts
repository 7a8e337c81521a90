/**
 * The loss library: Lovász-Softmax, Lovász hinge, cross entropy, BCE, Dice, focal, OHEM and
 * `MixedLoss`, built from PaddleSeg's YAML form, and the `loss:` section (`createLossConfig`).
 * Tensors are NHWC logits `[N,H,W,C]` and int32 labels `[N,H,W]`, 255 = ignore by default.
 * @module
 */
export { createLoss, isLoss, LOSS_TYPES, lossParams } from "./create_loss.ts";
export { createLossConfig } from "./loss_config.ts";
export type { LossConfig, LossSection } from "./loss_config.ts";
export type { Loss, LossExtras, LossSpec, LossTerm, LossType } from "./types.ts";
export { LossError } from "./errors.ts";
export { settleLossChecks } from "./device_checks.ts";
export { mixedLoss } from "./mixed_loss.ts";
export { lovaszSoftmax } from "./lovasz_softmax.ts";
export type { LovaszSoftmaxOptions } from "./lovasz_softmax.ts";
export { lovaszHinge } from "./lovasz_hinge.ts";
export type { LovaszHingeOptions } from "./lovasz_hinge.ts";
export type { LovaszClasses } from "./lovasz_classes.ts";
export type { HingeTwoChannel } from "./lovasz_hinge_typed.ts";
export type { LovaszImpl } from "./lovasz_path.ts";
export { crossEntropy } from "./cross_entropy.ts";
export { bce } from "./bce.ts";
export { dice } from "./dice.ts";
export { focal, multiClassFocal } from "./focal.ts";
export { ohemCrossEntropy } from "./ohem_cross_entropy.ts";
export { lovaszGrad } from "./lovasz_grad.ts";
export { argsortDescending } from "./radix_argsort.ts";
