/**
 * Registers seglab's training kernels for the `wasm` backend: the gradient kernels the shipped
 * backend lacks, and replacements for the slow or wrong ones. `ready("wasm")` calls it.
 *
 * @example
 * ```ts
 * import { registerWasmTrainingKernels } from "./register_kernels.ts";
 * registerWasmTrainingKernels();   // idempotent
 * ```
 * @module
 */
import { tf } from "../../core/tf.ts";
import { type KernelArgs, originalKernel } from "./heap.ts";
import { conv2D } from "./conv2d.ts";
import { conv2DBackpropFilter } from "./conv2d_backprop_filter.ts";
import { conv2DBackpropInput } from "./conv2d_backprop_input.ts";
import { depthwiseConv2dNativeBackpropInput } from "./depthwise_conv2d_backprop_input.ts";
import { depthwiseConv2dNativeBackpropFilter } from "./depthwise_conv2d_backprop_filter.ts";
import { unsortedSegmentSum } from "./unsorted_segment_sum.ts";
import { maxPoolGrad } from "./max_pool_grad.ts";
import { identity } from "./identity.ts";
import { cast } from "./cast.ts";
import { slice } from "./slice.ts";
import { splitV } from "./split_v.ts";
import { concat } from "./concat.ts";
import { relu } from "./relu.ts";
import { exp } from "./exp.ts";
import { add, max, multiply, sub } from "./row_ops.ts";
import { resizeBilinearGrad } from "./resize_bilinear_grad.ts";

/** One kernel seglab registers for `wasm`, and why. */
export interface WasmKernelEntry {
  name: string;
  /** `added`: missing in the shipped backend; `replaced`: the shipped one is slow or wrong. */
  kind: "added" | "replaced";
  why: string;
  kernelFunc: (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];
}

/** Every kernel seglab registers for `wasm`. */
export const WASM_TRAINING_KERNELS: readonly WasmKernelEntry[] = [
  {
    name: "Conv2DBackpropFilter",
    kind: "added",
    why: "weight gradient of conv2d, fused/separable/transposed conv; SIMD tiles on every thread",
    kernelFunc: conv2DBackpropFilter,
  },
  {
    name: "Conv2D",
    kind: "replaced",
    why: "SIMD direct convolution with fused multiply-add on every thread (XNNPACK where it does not apply)",
    kernelFunc: conv2D,
  },
  {
    name: "Conv2DBackpropInput",
    kind: "replaced",
    why: "input gradient and conv2dTranspose; shipped scalar loop ~1.5 GFLOP/s, now a SIMD direct conv",
    kernelFunc: conv2DBackpropInput,
  },
  {
    name: "DepthwiseConv2dNativeBackpropInput",
    kind: "added",
    why: "input gradient of depthwise/separable conv; a depthwise conv of the spread dy",
    kernelFunc: depthwiseConv2dNativeBackpropInput,
  },
  {
    name: "DepthwiseConv2dNativeBackpropFilter",
    kind: "added",
    why: "weight gradient of depthwise/separable conv; one pass in float64",
    kernelFunc: depthwiseConv2dNativeBackpropFilter,
  },
  {
    name: "UnsortedSegmentSum",
    kind: "added",
    why: "gradient of gather",
    kernelFunc: unsortedSegmentSum,
  },
  {
    name: "MaxPoolGrad",
    kind: "replaced",
    why: "shipped kernel drops the gradient of windows whose values are all <= 0",
    kernelFunc: maxPoolGrad,
  },
  {
    name: "Relu",
    kind: "replaced",
    why: "one SIMD pass instead of a scalar loop",
    kernelFunc: relu,
  },
  {
    name: "Exp",
    kind: "replaced",
    why: "one SIMD pass (within 2 ulp) instead of a scalar expf loop; softmax losses call it 3× a step",
    kernelFunc: exp,
  },
  ...(["Sub", "Multiply", "Add"] as const).map((name, i) => ({
    name,
    kind: "replaced" as const,
    why:
      "an operand with a last axis of 1 (softmax losses) in one SIMD pass; the shipped broadcast loop took 6× longer",
    kernelFunc: [sub, multiply, add][i],
  })),
  {
    name: "Max",
    kind: "replaced",
    why:
      "max over the last axis in one SIMD pass (softmax losses); the shipped kernel took 1.9 ms on 4×128×128×8",
    kernelFunc: max,
  },
  {
    name: "ResizeBilinearGrad",
    kind: "replaced",
    why: "gradient of bilinear up-sampling; one SIMD scatter pass",
    kernelFunc: resizeBilinearGrad,
  },
  {
    name: "Identity",
    kind: "replaced",
    why: "shipped kernel copies; tfjs clones every tensor saved for backprop (~500 copies per U-Net step)",
    kernelFunc: identity,
  },
  {
    name: "Cast",
    kind: "replaced",
    why:
      "a cast to the dtype a tensor has shares its data instead of copying it (softmax losses: 6 per step)",
    kernelFunc: cast,
  },
  {
    name: "Slice",
    kind: "replaced",
    why: "shipped kernel copied the whole input out of the heap before slicing",
    kernelFunc: slice,
  },
  {
    name: "SplitV",
    kind: "replaced",
    why: "gradient of concat; one in-place slice per output",
    kernelFunc: splitV,
  },
  {
    name: "Concat",
    kind: "replaced",
    why: "short-run copies for channel concatenation (U-Net skips)",
    kernelFunc: concat,
  },
];

/**
 * Registers {@linkcode WASM_TRAINING_KERNELS} for `wasm` (replacing shipped ones, whose originals
 * stay reachable through `originalKernel`). Idempotent; returns the names registered.
 */
export function registerWasmTrainingKernels(): string[] {
  for (const k of WASM_TRAINING_KERNELS) {
    const current = tf.getKernel(k.name, "wasm") as (tf.KernelConfig & { seglab?: boolean }) | undefined;
    if (current?.seglab) continue;
    if (current) {
      originalKernel(k.name);
      tf.unregisterKernel(k.name, "wasm");
    }
    tf.registerKernel({
      kernelName: k.name,
      backendName: "wasm",
      kernelFunc: k.kernelFunc as unknown as tf.KernelFunc,
      seglab: true,
    } as tf.KernelConfig);
  }
  return WASM_TRAINING_KERNELS.map((k) => k.name);
}
