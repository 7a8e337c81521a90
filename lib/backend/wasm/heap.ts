/**
 * The small part of `@tensorflow/tfjs-backend-wasm`'s backend object that seglab's wasm kernels
 * use, typed, plus helpers to call the backend's own kernels and to free their intermediates.
 *
 * Kernels work on {@linkcode TensorInfo}s (data id, shape, dtype): the backend keeps the data in
 * the wasm heap. A kernel may call other wasm kernels directly (their outputs are backend data
 * with a reference count of one, invisible to the engine) and must free every intermediate with
 * {@linkcode release}. Typed-array views of the heap must be taken after the last allocation,
 * because allocating may grow the heap and detach older views.
 *
 * @module
 */
import { tf } from "../../core/tf.ts";

/** A tensor as kernels see it. */
export type TensorInfo = tf.TensorInfo;

/** The `BackendWasm` members seglab uses. */
export interface WasmBackend {
  wasm: {
    HEAPU8: Uint8Array;
    asm?: { memory?: WebAssembly.Memory };
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
  dataIdMap: { get(dataId: object): { id: number; memoryOffset: number; refCount: number } | undefined };
  makeOutput(shape: number[], dtype: tf.DataType, memoryOffset?: number): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: object, force?: boolean): boolean;
  incRef(dataId: object): void;
  numDataIds(): number;
}

/** Arguments every kernel function receives. */
export interface KernelArgs {
  inputs: Record<string, TensorInfo>;
  attrs: Record<string, unknown>;
  backend: WasmBackend;
}

/** Calls the kernel `name` currently registered for `wasm`. */
export function callKernel(
  name: string,
  inputs: Record<string, TensorInfo>,
  attrs: Record<string, unknown>,
  backend: WasmBackend,
): TensorInfo {
  const config = tf.getKernel(name, "wasm");
  if (!config) throw new Error(`seglab: wasm kernel ${name} is not registered`);
  return config.kernelFunc({ inputs, attrs, backend } as never) as TensorInfo;
}

/** Frees kernel intermediates (backend data not owned by a tensor). */
export function release(backend: WasmBackend, ...infos: (TensorInfo | null | undefined)[]): void {
  for (const info of infos) if (info) backend.disposeData(info.dataId);
}

/** A reshaped view of `x` sharing its data (like the wasm Reshape kernel: one more reference). */
export function reshapeInfo(backend: WasmBackend, x: TensorInfo, shape: number[]): TensorInfo {
  backend.incRef(x.dataId);
  return { dataId: x.dataId, shape, dtype: x.dtype };
}

/**
 * A tensor over `shape` elements of `base`'s data starting `offset` elements in — no copy, no
 * ownership: release it with {@linkcode releaseView}, never `release` (which would free memory
 * inside `base`). For handing kernels a contiguous part of a tensor.
 */
export function viewInfo(
  backend: WasmBackend,
  base: TensorInfo,
  offset: number,
  shape: number[],
): TensorInfo {
  const at = backend.dataIdMap.get(base.dataId)!.memoryOffset + offset * 4;
  return backend.makeOutput(shape, base.dtype, at);
}

/** Forgets a {@linkcode viewInfo} (and the backend's per-tensor caches for it) without freeing. */
export function releaseView(backend: WasmBackend, view: TensorInfo): void {
  const d = backend.dataIdMap.get(view.dataId);
  if (!d) return;
  (backend.wasm as unknown as { tfjs: { disposeData(id: number): void } }).tfjs.disposeData(d.id);
  (backend.dataIdMap as unknown as { delete(k: object): void }).delete(view.dataId);
}

/** A float32 view of a tensor's data in the wasm heap (take it after the last allocation). */
export function f32(backend: WasmBackend, info: TensorInfo): Float32Array {
  return backend.typedArrayFromHeap(info) as Float32Array;
}

/** An int32 view of a tensor's data in the wasm heap. */
export function i32(backend: WasmBackend, info: TensorInfo): Int32Array {
  return backend.typedArrayFromHeap(info) as Int32Array;
}

const originals = new Map<string, tf.KernelConfig>();

/**
 * Remembers the kernel `name` that shipped with the wasm backend before seglab replaces it, so a
 * replacement can still call it for cases it does not handle. Idempotent.
 */
export function originalKernel(name: string): tf.KernelConfig | undefined {
  if (!originals.has(name)) {
    const k = tf.getKernel(name, "wasm");
    if (k && !(k as { seglab?: boolean }).seglab) originals.set(name, k);
  }
  return originals.get(name);
}

/** Calls the kernel that shipped with the wasm backend for `name` (for cases a replacement leaves to it). */
export function callOriginal(name: string, args: KernelArgs): TensorInfo {
  const k = originalKernel(name);
  if (!k) throw new Error(`seglab: no original wasm kernel ${name}`);
  return k.kernelFunc(args as never) as TensorInfo;
}
