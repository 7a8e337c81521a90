/**
 * Registers seglab's gradients with tfjs-core (they apply to every backend): the ones tfjs-core
 * lacks or refuses, and a cheaper batch-norm gradient. `ready()` calls it.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { conv2DGradConfig } from "./conv2d_grad.ts";
import { depthwiseConv2dGradConfig } from "./depthwise_conv2d_grad.ts";
import { fusedBatchNormGradConfig } from "./batch_norm_grad.ts";
import { stridedSliceGradConfig } from "./strided_slice_grad.ts";
import { topKGradConfig } from "./top_k_grad.ts";
import { gatherNdGradConfig } from "./gather_nd_grad.ts";
import { depthToSpaceGradConfig } from "./depth_to_space_grad.ts";
import { patchFusedConvRouting } from "./fused_conv_routing.ts";

/** One gradient seglab registers, and why. */
export interface GradientEntry {
  config: tf.GradConfig;
  kind: "added" | "replaced";
  why: string;
}

/** Every gradient seglab registers. */
export const SEGLAB_GRADIENTS: readonly GradientEntry[] = [
  { config: conv2DGradConfig, kind: "replaced", why: "adds dilation rates > 1 (atrous convolution)" },
  { config: depthwiseConv2dGradConfig, kind: "replaced", why: "adds dilation rates > 1" },
  {
    config: fusedBatchNormGradConfig,
    kind: "replaced",
    why: "broadcasting instead of a full-size Tile; shared sums",
  },
  { config: stridedSliceGradConfig, kind: "added", why: "tf.stridedSlice had no gradient" },
  { config: topKGradConfig, kind: "added", why: "tf.topk values had no gradient" },
  { config: gatherNdGradConfig, kind: "added", why: "tf.gatherND had no gradient" },
  { config: depthToSpaceGradConfig, kind: "added", why: "tf.depthToSpace had no gradient" },
];

let done = false;

/**
 * Registers {@linkcode SEGLAB_GRADIENTS} and routes dilated `tf.fused` convolutions through
 * them while training. Idempotent.
 */
export function registerSeglabGradients(): void {
  if (done) return;
  for (const g of SEGLAB_GRADIENTS) tf.registerGradient(g.config);
  patchFusedConvRouting();
  done = true;
}
