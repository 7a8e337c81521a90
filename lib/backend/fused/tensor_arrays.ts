/**
 * Typed-array access to a CPU backend's tensors, for seglab's fused kernels: on `wasm` views of
 * the heap, on `cpu` its JavaScript arrays.
 * @module
 */
import type { tf } from "../../core/tf.ts";

/** Typed-array access to one backend's tensors. */
export interface Access {
  read(info: tf.TensorInfo): Float32Array;
  /** Allocates outputs, then calls `fill` with their arrays (taken after all allocations). */
  outputs(shapes: number[][], fill: (arrays: Float32Array[]) => void): tf.TensorInfo[];
}

/** A backend whose internals the accessors read. */
export type AnyBackend = Record<string, unknown> & tf.KernelBackend;

/** The accessors for `backendName` (`wasm` or `cpu`). */
export function access(backendName: string, backend: AnyBackend): Access {
  if (backendName === "wasm") {
    const b = backend as unknown as {
      makeOutput(shape: number[], dtype: string): tf.TensorInfo;
      typedArrayFromHeap(i: tf.TensorInfo): Float32Array;
    };
    return {
      read: (i) => b.typedArrayFromHeap(i),
      outputs: (shapes, fill) => {
        const outs = shapes.map((s) => b.makeOutput(s, "float32"));
        fill(outs.map((o) => b.typedArrayFromHeap(o)));
        return outs;
      },
    };
  }
  const b = backend as unknown as {
    data: { get(id: object): { values: Float32Array } };
    makeTensorInfo(shape: number[], dtype: string, values: Float32Array): tf.TensorInfo;
  };
  return {
    read: (i) => b.data.get(i.dataId).values,
    outputs: (shapes, fill) => {
      const arrays = shapes.map((s) => new Float32Array(s.reduce((a, d) => a * d, 1)));
      fill(arrays);
      return shapes.map((s, k) => b.makeTensorInfo(s, "float32", arrays[k]));
    },
  };
}
