/**
 * The kernels of seglab's SIMD module, as a list of emitters: each adds one exported function to
 * the module (`buildSimdModule` in `kernels.ts` calls them in this order). A new kernel is a new
 * `emit_*.ts` file in this folder and one entry here (and its signature in `SimdKernels`).
 * @module
 */
import type { ModuleBuilder } from "./assembler.ts";
import { emitAffine, emitLincomb, emitRelu, emitReluGrad } from "./emit_pointwise.ts";
import { emitSums, emitSums2 } from "./emit_bn_sums.ts";
import { emitMaxpool2Grad } from "./emit_maxpool2_grad.ts";
import { emitIm2row } from "./emit_im2row.ts";
import { emitResizeGrad } from "./emit_resize_grad.ts";
import { emitDwFilterGrad } from "./emit_dw_filter_grad.ts";
import { emitCopy2d } from "./emit_copy2d.ts";
import { emitConvFilterGrad } from "./emit_conv_filter_grad.ts";
import { emitConv2dDirect } from "./emit_conv2d_direct.ts";
import { emitConvFilterGradWinograd, emitConvFilterGradWinograd4 } from "./emit_conv_filter_grad_winograd.ts";
import { emitConv2dWinograd, emitConv2dWinograd4 } from "./emit_conv2d_winograd.ts";
import { emitWinogradFilter2, emitWinogradFilter4 } from "./emit_winograd_filter.ts";
import { emitWinogradFinal2, emitWinogradFinal4 } from "./emit_winograd_filter_final.ts";
import { emitAdam } from "./emit_adam.ts";
import { emitExp } from "./emit_exp.ts";
import { emitRowBroadcast, emitRowMax } from "./emit_row_ops.ts";

/** Adds one kernel to the module; `fma` allows relaxed SIMD's fused multiply-add. */
export type SimdEmitter = (m: ModuleBuilder, fma: boolean) => void;

/** Every kernel of the module, in module order. */
export const SIMD_EMITTERS: readonly SimdEmitter[] = [
  emitReluGrad,
  emitAffine,
  emitSums,
  emitSums2,
  emitLincomb,
  emitRelu,
  emitMaxpool2Grad,
  emitIm2row,
  emitResizeGrad,
  emitDwFilterGrad,
  emitCopy2d,
  emitConvFilterGrad,
  emitConv2dDirect,
  emitConv2dWinograd,
  emitConvFilterGradWinograd,
  emitConvFilterGradWinograd4,
  emitConv2dWinograd4,
  emitWinogradFilter2,
  emitWinogradFilter4,
  emitWinogradFinal2,
  emitWinogradFinal4,
  emitAdam,
  emitExp,
  emitRowBroadcast,
  emitRowMax,
];
