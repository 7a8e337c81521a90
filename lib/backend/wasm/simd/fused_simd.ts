/**
 * The fused batch norm and ReLU gradient on `wasm` with {@link ./kernels.ts}: the per-channel
 * statistics and coefficients (a few numbers per channel) are computed in JavaScript between
 * two SIMD passes over the heap.
 * @module
 */
import type { tf } from "../../../core/tf.ts";
import type { WasmBackend } from "../heap.ts";
import { type SimdKernels, simdKernels } from "./kernels.ts";

/** The kernels for this backend's heap, or null (no SIMD, or a heap seglab cannot import). */
export function kernelsFor(backend: WasmBackend): SimdKernels | null {
  const w = backend.wasm as WasmBackend["wasm"] & { wasmMemory?: WebAssembly.Memory };
  const memory = w.wasmMemory ?? w.asm?.memory;
  return memory instanceof WebAssembly.Memory ? simdKernels(memory) : null;
}

const ptr = (b: WasmBackend, i: tf.TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;

/** Scratch heap memory for per-channel vectors; freed by `done()`. */
function scratch(b: WasmBackend, bytes: number) {
  const base = b.wasm._malloc(bytes + 16) >>> 0;
  const aligned = ((base + 15) & ~15) >>> 0; // unsigned: the heap reaches past 2 GiB
  return { at: aligned, done: () => b.wasm._free(base) };
}

/** True when the SIMD path applies (channels a multiple of 4). */
export function simdApplies(backend: WasmBackend, channels: number): boolean {
  return channels % 4 === 0 && kernelsFor(backend) !== null;
}

/**
 * Forward: fills `y`, `meanOut`, `varianceOut` (allocated by the caller). The per-channel inputs
 * are copies: heap views would be detached if the scratch allocation grows the heap.
 */
export function batchNormTrainForwardSimd(
  b: WasmBackend,
  x: tf.TensorInfo,
  gamma: Float32Array,
  beta: Float32Array,
  eps: number,
  y: tf.TensorInfo,
  meanOut: tf.TensorInfo,
  varianceOut: tf.TensorInfo,
): void {
  const k = kernelsFor(b)!;
  const c = gamma.length, total = x.shape.reduce((p, d) => p * d, 1) * 4, m = total / 4 / c;
  const s = scratch(b, c * 8 * 2 + c * 4 * 3);
  try {
    const s1 = s.at, s2 = s1 + c * 8, a = s2 + c * 8, off = a + c * 4, shift = off + c * 4;
    const heap = () => b.wasm.HEAPU8.buffer;
    new Float64Array(heap(), s1, 2 * c).fill(0);
    const K = new Float32Array(heap(), shift, c);
    K.set(new Float32Array(heap(), ptr(b, x), c)); // the first row: sums of x − K carry no cancellation
    k.sums(ptr(b, x), shift, s1, s2, c * 4, total);
    const S1 = new Float64Array(heap(), s1, c), S2 = new Float64Array(heap(), s2, c);
    const A = new Float32Array(heap(), a, c), B = new Float32Array(heap(), off, c);
    const mean = new Float32Array(heap(), ptr(b, meanOut), c),
      variance = new Float32Array(heap(), ptr(b, varianceOut), c);
    for (let j = 0; j < c; j++) {
      const d = S1[j] / m, mu = K[j] + d, v = Math.max(0, S2[j] / m - d * d);
      mean[j] = mu;
      variance[j] = v;
      A[j] = gamma[j] / Math.sqrt(v + eps);
      B[j] = beta[j] - A[j] * mu;
    }
    k.affine(ptr(b, x), ptr(b, y), a, off, c * 4, total);
  } finally {
    s.done();
  }
}

/** Backward: fills `dx`, `dgammaOut`, `dbetaOut` (allocated by the caller); per-channel inputs are copies. */
export function batchNormTrainBackwardSimd(
  b: WasmBackend,
  dy: tf.TensorInfo,
  x: tf.TensorInfo,
  gamma: Float32Array,
  meanInfo: tf.TensorInfo,
  variance: Float32Array,
  dmean: Float32Array | null,
  dvar: Float32Array | null,
  eps: number,
  dx: tf.TensorInfo,
  dgammaOut: tf.TensorInfo,
  dbetaOut: tf.TensorInfo,
): void {
  const k = kernelsFor(b)!;
  const c = gamma.length, total = x.shape.reduce((p, d) => p * d, 1) * 4, m = total / 4 / c;
  const s = scratch(b, c * 8 * 2 + c * 4 * 3);
  try {
    const sdy = s.at, sdyx = sdy + c * 8, p = sdyx + c * 8, q = p + c * 4, r = q + c * 4;
    const heap = () => b.wasm.HEAPU8.buffer;
    new Float64Array(heap(), sdy, 2 * c).fill(0);
    k.sums2(ptr(b, dy), ptr(b, x), ptr(b, meanInfo), sdy, sdyx, c * 4, total);
    const SDY = new Float64Array(heap(), sdy, c), SDYX = new Float64Array(heap(), sdyx, c);
    const P = new Float32Array(heap(), p, c),
      Q = new Float32Array(heap(), q, c),
      R = new Float32Array(heap(), r, c);
    const mean = new Float32Array(heap(), ptr(b, meanInfo), c);
    const dgamma = new Float32Array(heap(), ptr(b, dgammaOut), c),
      dbeta = new Float32Array(heap(), ptr(b, dbetaOut), c);
    for (let j = 0; j < c; j++) {
      const rs = 1 / Math.sqrt(variance[j] + eps);
      dbeta[j] = SDY[j];
      dgamma[j] = SDYX[j] * rs;
      P[j] = gamma[j] * rs;
      const qj = -gamma[j] * rs * rs * rs * SDYX[j] / m + (dvar ? 2 * dvar[j] / m : 0);
      Q[j] = qj;
      R[j] = -gamma[j] * rs * SDY[j] / m - qj * mean[j] + (dmean ? dmean[j] / m : 0);
    }
    k.lincomb(ptr(b, dy), ptr(b, x), p, q, r, ptr(b, dx), c * 4, total);
  } finally {
    s.done();
  }
}

/** ReLU gradient; the tail beyond a multiple of 4 in JavaScript. */
export function reluGradSimd(b: WasmBackend, dy: tf.TensorInfo, x: tf.TensorInfo, dx: tf.TensorInfo): void {
  const k = kernelsFor(b)!;
  const n = x.shape.reduce((p, d) => p * d, 1), n4 = n & ~3;
  k.relu_grad(ptr(b, x), ptr(b, dy), ptr(b, dx), n4 * 4);
  if (n4 < n) {
    const heap = b.wasm.HEAPU8.buffer;
    const xs = new Float32Array(heap, ptr(b, x), n), gs = new Float32Array(heap, ptr(b, dy), n);
    const out = new Float32Array(heap, ptr(b, dx), n);
    for (let i = n4; i < n; i++) out[i] = xs[i] > 0 ? gs[i] : 0;
  }
}
