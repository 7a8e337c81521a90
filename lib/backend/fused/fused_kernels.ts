/**
 * seglab's fused training kernels — batch normalisation (forward with its statistics, and its
 * whole backward), the ReLU gradient, and the Adam update (one pass per variable) — registered
 * for the two CPU backends, `wasm` (over the wasm heap, with the SIMD module's kernels where they
 * apply) and `cpu` (over its JavaScript arrays). The batch-norm kernels replace a chain of 5–15
 * full-size TensorFlow.js ops (moments, normalisation, and their gradients, which on wasm also
 * transposed for every reduction) with two passes; `hasFused` tells the layers and the optimizer
 * whether the active backend has one.
 * @module
 */
import { tf } from "../../core/tf.ts";
import { access, type AnyBackend } from "./tensor_arrays.ts";
import { batchNormTrainBackward, batchNormTrainForward, reluBackward } from "./batch_norm_math.ts";
import { ADAM, type AdamAttrs, adamMath } from "./adam_math.ts";
import { adamSimd } from "../wasm/simd/adam_simd.ts";
import type { WasmBackend } from "../wasm/heap.ts";
import {
  batchNormTrainBackwardSimd,
  batchNormTrainForwardSimd,
  reluGradSimd,
  simdApplies,
} from "../wasm/simd/fused_simd.ts";

/** Kernel names (custom; no TensorFlow.js op uses them). */
export const BN_TRAIN = "SeglabBatchNormTraining";
export const BN_TRAIN_GRAD = "SeglabBatchNormTrainingGrad";
export const RELU_GRAD = "SeglabReluGrad";

type TI = tf.TensorInfo;

function kernels(backendName: string): tf.KernelConfig[] {
  return [
    {
      kernelName: BN_TRAIN,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const io = access(backendName, backend as AnyBackend);
        const { x, scale, offset } = inputs as Record<string, tf.TensorInfo>;
        const c = x.shape[x.shape.length - 1];
        if (backendName === "wasm" && simdApplies(backend as unknown as WasmBackend, c)) {
          const b = backend as unknown as WasmBackend;
          const [y, mean, variance] = [
            b.makeOutput(x.shape, "float32"),
            b.makeOutput([c], "float32"),
            b.makeOutput([c], "float32"),
          ];
          batchNormTrainForwardSimd(
            b,
            x,
            io.read(scale).slice(),
            io.read(offset).slice(),
            attrs!.varianceEpsilon as number,
            y,
            mean,
            variance,
          );
          return [y, mean, variance];
        }
        return io.outputs([x.shape, [c], [c]], ([y, mean, variance]) =>
          batchNormTrainForward(
            io.read(x),
            io.read(scale),
            io.read(offset),
            attrs!.varianceEpsilon as number,
            y,
            mean,
            variance,
          ));
      },
    },
    {
      kernelName: BN_TRAIN_GRAD,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const io = access(backendName, backend as AnyBackend);
        const { dy, x, scale, mean, variance, dmean, dvar } = inputs as Record<string, tf.TensorInfo>;
        const c = x.shape[x.shape.length - 1];
        if (backendName === "wasm" && simdApplies(backend as unknown as WasmBackend, c)) {
          const b = backend as unknown as WasmBackend;
          const [dx, dgamma, dbeta] = [
            b.makeOutput(x.shape, "float32"),
            b.makeOutput([c], "float32"),
            b.makeOutput([c], "float32"),
          ];
          batchNormTrainBackwardSimd(
            b,
            dy,
            x,
            io.read(scale).slice(),
            mean,
            io.read(variance).slice(),
            dmean ? io.read(dmean).slice() : null,
            dvar ? io.read(dvar).slice() : null,
            attrs!.varianceEpsilon as number,
            dx,
            dgamma,
            dbeta,
          );
          return [dx, dgamma, dbeta];
        }
        return io.outputs([x.shape, [c], [c]], ([dx, dgamma, dbeta]) =>
          batchNormTrainBackward(
            io.read(dy),
            io.read(x),
            io.read(scale),
            io.read(mean),
            io.read(variance),
            dmean ? io.read(dmean) : null,
            dvar ? io.read(dvar) : null,
            attrs!.varianceEpsilon as number,
            dx,
            dgamma,
            dbeta,
          ));
      },
    },
    {
      kernelName: ADAM,
      backendName,
      kernelFunc: ({ inputs, attrs, backend }) => {
        const io = access(backendName, backend as AnyBackend);
        const { value, m, v, g } = inputs as Record<string, tf.TensorInfo>;
        if (backendName === "wasm" && simdApplies(backend as unknown as WasmBackend, 4)) {
          const b = backend as unknown as WasmBackend;
          const out = [0, 1, 2].map(() => b.makeOutput(value.shape, "float32")) as [TI, TI, TI];
          adamSimd(b, { value, m, v, g }, attrs as unknown as AdamAttrs, out);
          return out;
        }
        return io.outputs(
          [value.shape, value.shape, value.shape],
          (outs) =>
            adamMath(
              io.read(value),
              io.read(m),
              io.read(v),
              io.read(g),
              attrs as never,
              outs as [Float32Array, Float32Array, Float32Array],
            ),
        );
      },
    },
    {
      kernelName: RELU_GRAD,
      backendName,
      kernelFunc: ({ inputs, backend }) => {
        const io = access(backendName, backend as AnyBackend);
        const { dy, x } = inputs as Record<string, tf.TensorInfo>;
        if (backendName === "wasm" && simdApplies(backend as unknown as WasmBackend, 4)) {
          const b = backend as unknown as WasmBackend;
          const dx = b.makeOutput(x.shape, "float32");
          reluGradSimd(b, dy, x, dx);
          return dx;
        }
        return io.outputs([x.shape], ([dx]) => reluBackward(io.read(dy), io.read(x), dx))[0];
      },
    },
  ];
}

/** Backends the fused kernels are registered for. */
export const FUSED_BACKENDS = ["wasm", "cpu"] as const;

/** Registers the fused kernels for `wasm` and `cpu` (idempotent). */
export function registerFusedKernels(): void {
  for (const b of FUSED_BACKENDS) {
    for (const k of kernels(b)) if (!tf.getKernel(k.kernelName, b)) tf.registerKernel(k);
  }
}

/** True when the active backend has the fused kernel `name`. */
export function hasFused(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}
