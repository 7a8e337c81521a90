/**
 * seglab's SIMD module over the wasm backend's heap: its exported kernels (`SimdKernels`: the
 * fused batch norm's per-channel sums and affine maps, the ReLU and its gradient, `exp`, row-broadcast
 * binary ops and row maxima, the Adam update, the max-pool, bilinear-resize and depthwise weight
 * gradients, im2row, strided copies, the convolution kernels `conv_filter_grad`, `conv2d_direct`
 * and the Winograd ones with their filter transforms), assembled from the emitters listed in
 * `emitters.ts`, compiled once per memory kind (relaxed SIMD's fused multiply-add where the
 * runtime has it) and instantiated per heap. 4 floats per instruction; channels last; all
 * pointers are byte offsets into the heap.
 * @module
 */
import { ModuleBuilder } from "./assembler.ts";
import { SIMD_EMITTERS } from "./emitters.ts";

/** The exported functions. */
export interface SimdKernels {
  /** `dx = x > 0 ? dy : 0` over `bytes` (a multiple of 16). */
  relu_grad(x: number, dy: number, dx: number, bytes: number): void;
  /** `y[r, k] = a[k]·x[r, k] + b[k]` (f32 a, b). */
  affine(x: number, y: number, a: number, b: number, rowBytes: number, totalBytes: number): void;
  /** `s1[k] += Σ_r (x[r, k] − shift[k])`, `s2[k] += Σ_r (x[r, k] − shift[k])²` (f32 shift, f64 s1, s2). */
  sums(x: number, shift: number, s1: number, s2: number, rowBytes: number, totalBytes: number): void;
  /** `sdy[k] += Σ_r dy`, `sdyx[k] += Σ_r dy·(x − mean[k])` (f32 mean, f64 sums). */
  sums2(
    dy: number,
    x: number,
    mean: number,
    sdy: number,
    sdyx: number,
    rowBytes: number,
    totalBytes: number,
  ): void;
  /** `y = max(x, 0)` over `bytes` (a multiple of 16). */
  relu(x: number, y: number, bytes: number): void;
  /**
   * Max-pool 2×2 stride 2 gradient, first maximum (row-major) wins: for `rows` = N·OH output rows
   * of `rowBytesDy` bytes, the input rows are `rowBytesX` bytes, `cBytes` = channels·4.
   */
  maxpool2_grad(
    x: number,
    dy: number,
    dx: number,
    rows: number,
    rowBytesX: number,
    rowBytesDy: number,
    cBytes: number,
  ): void;
  /**
   * The weight-gradient layout of an NHWC `x` (all sizes in elements):
   * `dst[h, c, k, o, b] = x[b, h, o + k·dw − pl, c]`, zero where the column is out of range.
   */
  im2row(
    x: number,
    dst: number,
    n: number,
    h: number,
    w: number,
    c: number,
    kw: number,
    ow: number,
    dw: number,
    pl: number,
  ): void;
  /**
   * Bilinear-resize gradient by scattering: `dx` (zeroed here, `dxBytes` long) receives each
   * `dy[b, r, c, :]` at the four source pixels of `(r, c)`. `rows`/`cols` tables hold, per output
   * row / column, `[lo: i32, hi: i32, wLo: f32, wHi: f32]`; `cBytes` = channels·4 (a multiple of 16).
   */
  resize_grad(
    dy: number,
    dx: number,
    dxBytes: number,
    n: number,
    yh: number,
    yw: number,
    xh: number,
    xw: number,
    cBytes: number,
    rows: number,
    cols: number,
  ): void;
  /**
   * Depthwise-conv weight gradient (channel multiplier 1, `cBytes` = channels·4, a multiple of 16):
   * `acc64[t, c] += Σ x[b, y·sh + i·dh − pt, o·sw + j·dw − pl, c] · dy[b, y, o, c]` for each tap
   * `t = i·kw + j`; `acc32` is scratch of `kh·kw·cBytes` (each output row's float32 partial sums
   * are flushed into the float64 `acc64`).
   */
  dw_filter_grad(
    x: number,
    dy: number,
    acc32: number,
    acc64: number,
    n: number,
    h: number,
    w: number,
    cBytes: number,
    oh: number,
    ow: number,
    kh: number,
    kw: number,
    sh: number,
    sw: number,
    dh: number,
    dw: number,
    pt: number,
    pl: number,
  ): void;
  /** Copies `rows` runs of `runBytes`: row i from `src + i·srcStride` to `dst + i·dstStride`. */
  copy2d(
    src: number,
    dst: number,
    rows: number,
    runBytes: number,
    srcStride: number,
    dstStride: number,
  ): void;
  /** See {@link ./conv_filter_grad.ts}: adds the weight-gradient tiles `[t0, t1)` into `out`. */
  conv_filter_grad(...args: number[]): void;
  /** See {@link ./conv2d_direct.ts}: output items `[t0, t1)` of a direct convolution. */
  conv2d_direct(...args: number[]): void;
  /** See {@link ./conv2d_winograd.ts}: blocks `[t0, t1)` of output tiles of a Winograd F(2×2, 3×3) convolution. */
  conv2d_winograd(...args: number[]): void;
  /** See {@link ./conv_filter_grad_winograd.ts}: partial sums `[t0, t1)` of a Winograd F(2×2, 3×3) weight gradient. */
  conv_filter_grad_winograd(...args: number[]): void;
  /** The same with F(4×4, 3×3). */
  conv_filter_grad_winograd4(...args: number[]): void;
  /** See {@link ./conv2d_winograd.ts}: blocks `[t0, t1)` of output tiles of a Winograd F(4×4, 3×3) convolution. */
  conv2d_winograd4(...args: number[]): void;
  /** See {@link ./winograd_filter.ts}: items `[t0, t1)` of F(2×2, 3×3)'s filter transform. */
  winograd_filter2(...args: number[]): void;
  /** The same for F(4×4, 3×3). */
  winograd_filter4(...args: number[]): void;
  /** See {@link ./winograd_filter_final.ts}: input channels `[t0, t1)` of F(2×2, 3×3)'s weight gradient. */
  winograd_final2(...args: number[]): void;
  /** The same for F(4×4, 3×3). */
  winograd_final4(...args: number[]): void;
  /** See {@link ./emit_adam.ts}: the fused Adam update over `bytes` (a multiple of 16). */
  adam_update(...args: number[]): void;
  /** `y = exp(x)` over `bytes` (a multiple of 16; {@link ./emit_exp.ts}). */
  exp_f32(x: number, y: number, bytes: number): void;
  /** See {@link ./emit_row_ops.ts}: `y[r, c] = a[r, c] ∘ b[r]`. */
  row_broadcast(a: number, b: number, y: number, rows: number, cols: number, op: number): void;
  /** See {@link ./emit_row_ops.ts}: `y[r] = max_c x[r, c]`. */
  row_max(x: number, y: number, rows: number, cols: number): void;
  /** `dx[r, k] = p[k]·dy + q[k]·x + c[k]` (f32 p, q, c). */
  lincomb(
    dy: number,
    x: number,
    p: number,
    q: number,
    c: number,
    dx: number,
    rowBytes: number,
    totalBytes: number,
  ): void;
}

/** Assembles the module (every kernel in `SIMD_EMITTERS`) for a memory that is (or is not) shared. */
export function buildSimdModule(shared: boolean, fma = false): Uint8Array {
  const m = new ModuleBuilder();
  for (const emit of SIMD_EMITTERS) emit(m, fma);
  return m.build({ shared });
}

const cache = new WeakMap<WebAssembly.Memory, SimdKernels | null>();
const modules = new Map<boolean, WebAssembly.Module>();

/**
 * The compiled module for a shared (or unshared) memory, compiled once: helper threads receive
 * this same module, so they share its optimised code instead of starting from the baseline tier.
 */
export function simdModule(shared: boolean): WebAssembly.Module {
  let m = modules.get(shared);
  if (!m) {
    try {
      // Relaxed SIMD's fused multiply-add where the runtime has it (V8 since 11.4).
      m = new WebAssembly.Module(buildSimdModule(shared, true) as BufferSource);
    } catch {
      m = new WebAssembly.Module(buildSimdModule(shared, false) as BufferSource);
    }
    modules.set(shared, m);
  }
  return m;
}

/** The kernels instantiated on `memory` (cached), or null where WebAssembly SIMD is unavailable. */
export function simdKernels(memory: WebAssembly.Memory): SimdKernels | null {
  if (cache.has(memory)) return cache.get(memory)!;
  let k: SimdKernels | null = null;
  try {
    const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
    const mod = simdModule(shared);
    k = new WebAssembly.Instance(mod, { env: { memory } }).exports as unknown as SimdKernels;
  } catch {
    k = null;
  }
  cache.set(memory, k);
  return k;
}
