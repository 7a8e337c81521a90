/**
 * seglab's SIMD kernels over the wasm backend's heap: per-channel sums in float64, per-channel
 * affine maps and the ReLU gradient, 4 floats per instruction. They serve the fused batch norm
 * and ReLU gradient on `wasm` (JavaScript loops ran 3–8× slower). Channels last; channel counts
 * that are multiples of 4 (callers fall back to JavaScript otherwise). All pointers are byte
 * offsets into the heap.
 * @module
 */
import { type FuncBuilder, ModuleBuilder } from "./assembler.ts";
import { emitConvFilterGrad } from "./conv_filter_grad.ts";
import { emitConv2dDirect } from "./conv2d_direct.ts";

/** The exported functions. */
export interface SimdKernels {
  /** `dx = x > 0 ? dy : 0` over `bytes` (a multiple of 16). */
  relu_grad(x: number, dy: number, dx: number, bytes: number): void;
  /** `y[r, k] = a[k]·x[r, k] + b[k]` (f32 a, b). */
  affine(x: number, y: number, a: number, b: number, rowBytes: number, totalBytes: number): void;
  /** `s1[k] += Σ_r x[r, k]`, `s2[k] += Σ_r x[r, k]²` (f64 s1, s2). */
  sums(x: number, s1: number, s2: number, rowBytes: number, totalBytes: number): void;
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

/** `for each row r (byte offset), each 4-channel group g (byte offset in the row): body()`. */
function rowsAndGroups(
  f: FuncBuilder,
  rowBytes: number,
  total: number,
  body: (r: number, g: number) => void,
): void {
  const r = f.local("i32"), g = f.local("i32");
  f.i32(0).set(r);
  f.forRange(r, total, { local: rowBytes }, () => {
    f.i32(0).set(g);
    f.forRange(g, rowBytes, 16, () => body(r, g));
  });
}

/** Emits `addr = base + r + g` (or `base + g` when r is null). */
function at(f: FuncBuilder, base: number, r: number | null, g: number, scale = 1): FuncBuilder {
  f.get(base);
  if (r !== null) f.get(r).add();
  f.get(g);
  if (scale !== 1) f.i32(Math.log2(scale)).shl();
  return f.add();
}

/** `acc(f64 at base + 2g) += lo; acc(+16) += hi` for the f32x4 in local v. */
function accumulate(f: FuncBuilder, base: number, g: number, v: number, addr: number, square: boolean): void {
  for (const half of [0, 1]) {
    at(f, base, null, g, 2).tee(addr);
    f.get(addr).v128Load(half * 16);
    const push = () => (half ? f.highHalfOf(v) : f.get(v)).f64x2PromoteLow();
    push();
    if (square) {
      push();
      f.f64x2Mul();
    }
    f.f64x2Add().v128Store(half * 16);
  }
}

/** Assembles the module for a memory that is (or is not) shared. */
export function buildSimdModule(shared: boolean, fma = false): Uint8Array {
  const m = new ModuleBuilder();
  {
    const f = m.func("relu_grad", ["i32", "i32", "i32", "i32"]);
    const [x, dy, dx, bytes] = [0, 1, 2, 3];
    const i = f.local("i32");
    f.i32(0).set(i);
    f.forRange(i, bytes, 16, () => {
      f.get(dx).get(i).add();
      f.get(dy).get(i).add().v128Load();
      f.get(x).get(i).add().v128Load().f32(0).f32x4Splat().f32x4Gt();
      f.v128And().v128Store();
    });
  }
  {
    const f = m.func("affine", ["i32", "i32", "i32", "i32", "i32", "i32"]);
    const [x, y, a, b, rowBytes, total] = [0, 1, 2, 3, 4, 5];
    rowsAndGroups(f, rowBytes, total, (r, g) => {
      at(f, y, r, g);
      at(f, x, r, g).v128Load();
      at(f, a, null, g).v128Load().f32x4Mul();
      at(f, b, null, g).v128Load().f32x4Add();
      f.v128Store();
    });
  }
  {
    const f = m.func("sums", ["i32", "i32", "i32", "i32", "i32"]);
    const [x, s1, s2, rowBytes, total] = [0, 1, 2, 3, 4];
    const v = f.local("v128"), addr = f.local("i32");
    rowsAndGroups(f, rowBytes, total, (r, g) => {
      at(f, x, r, g).v128Load().set(v);
      accumulate(f, s1, g, v, addr, false);
      accumulate(f, s2, g, v, addr, true);
    });
  }
  {
    const f = m.func("sums2", ["i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
    const [dy, x, mean, sdy, sdyx, rowBytes, total] = [0, 1, 2, 3, 4, 5, 6];
    const d = f.local("v128"), c = f.local("v128"), addr = f.local("i32");
    rowsAndGroups(f, rowBytes, total, (r, g) => {
      at(f, dy, r, g).v128Load().tee(d);
      at(f, x, r, g).v128Load();
      at(f, mean, null, g).v128Load().f32x4Sub().f32x4Mul().set(c);
      accumulate(f, sdy, g, d, addr, false);
      accumulate(f, sdyx, g, c, addr, false);
    });
  }
  {
    const f = m.func("lincomb", ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
    const [dy, x, p, q, c, dx, rowBytes, total] = [0, 1, 2, 3, 4, 5, 6, 7];
    rowsAndGroups(f, rowBytes, total, (r, g) => {
      at(f, dx, r, g);
      at(f, dy, r, g).v128Load();
      at(f, p, null, g).v128Load().f32x4Mul();
      at(f, x, r, g).v128Load();
      at(f, q, null, g).v128Load().f32x4Mul().f32x4Add();
      at(f, c, null, g).v128Load().f32x4Add();
      f.v128Store();
    });
  }
  {
    const f = m.func("relu", ["i32", "i32", "i32"]);
    const [x, y, bytes] = [0, 1, 2];
    const i = f.local("i32");
    f.i32(0).set(i);
    f.forRange(i, bytes, 16, () => {
      f.get(y).get(i).add();
      f.get(x).get(i).add().v128Load().f32(0).f32x4Splat().f32x4Max();
      f.v128Store();
    });
  }
  {
    const f = m.func("maxpool2_grad", ["i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
    const [x, dy, dx, rows, rowX, rowDy, cb] = [0, 1, 2, 3, 4, 5, 6];
    const r = f.local("i32"), j = f.local("i32"), g = f.local("i32");
    const xo = f.local("i32"), go = f.local("i32"); // byte offsets of the window's top-left / of dy
    const a = f.local("v128"), b = f.local("v128"), c = f.local("v128"), d = f.local("v128");
    const m1 = f.local("v128"), m2 = f.local("v128"), t = f.local("v128"), u = f.local("v128");
    f.i32(0).set(r);
    f.forRange(r, rows, 1, () => {
      f.i32(0).set(j);
      f.forRange(j, rowDy, { local: cb }, () => {
        f.i32(0).set(g);
        f.forRange(g, cb, 16, () => {
          // xo = r·2·rowX + 2·j + g ; go = r·rowDy + j + g
          f.get(r).get(rowX).mul().i32(1).shl().get(j).i32(1).shl().add().get(g).add().set(xo);
          f.get(r).get(rowDy).mul().get(j).add().get(g).add().set(go);
          f.get(x).get(xo).add().v128Load().set(a);
          f.get(x).get(xo).add().get(cb).add().v128Load().set(b);
          f.get(x).get(xo).add().get(rowX).add().v128Load().set(c);
          f.get(x).get(xo).add().get(rowX).add().get(cb).add().v128Load().set(d);
          f.get(a).get(b).f32x4Ge().set(m1);
          f.get(c).get(d).f32x4Ge().set(m2);
          // t: the gradient where the top pair wins, u: where the bottom pair does.
          f.get(dy).get(go).add().v128Load().set(t);
          f.get(a).get(b).get(m1).v128Bitselect();
          f.get(c).get(d).get(m2).v128Bitselect();
          f.f32x4Ge().set(u); // u = mask(top ≥ bottom) for now
          f.get(t).get(u).v128AndNot().set(c); // bottom share (reuse c)
          f.get(t).get(u).v128And().set(t); // top share
          f.get(dx).get(xo).add().get(t).get(m1).v128And().v128Store();
          f.get(dx).get(xo).add().get(cb).add().get(t).get(m1).v128AndNot().v128Store();
          f.get(dx).get(xo).add().get(rowX).add().get(c).get(m2).v128And().v128Store();
          f.get(dx).get(xo).add().get(rowX).add().get(cb).add().get(c).get(m2).v128AndNot().v128Store();
        });
      });
    });
  }
  {
    const f = m.func("im2row", ["i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32", "i32"]);
    const [x, d, n, hgt, w, c, kw, ow, dw, pl] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const h = f.local("i32"), ci = f.local("i32"), k = f.local("i32"), o = f.local("i32"), b = f.local("i32");
    const wi = f.local("i32"), src = f.local("i32"), strideN = f.local("i32");
    f.get(hgt).get(w).mul().get(c).mul().i32(2).shl().set(strideN);
    f.i32(0).set(h);
    f.forRange(h, hgt, 1, () => {
      f.i32(0).set(ci);
      f.forRange(ci, c, 1, () => {
        f.i32(0).set(k);
        f.forRange(k, kw, 1, () => {
          f.i32(0).set(o);
          f.forRange(o, ow, 1, () => {
            f.get(o).get(k).get(dw).mul().add().get(pl).sub().tee(wi).get(w).ltU();
            f.if_();
            // src = x + ((h·w + wi)·c + ci)·4
            f.get(x).get(h).get(w).mul().get(wi).add().get(c).mul().get(ci).add().i32(2).shl().add().set(src);
            f.i32(0).set(b);
            f.forRange(b, n, 1, () => {
              f.get(d).get(src).f32Load().f32Store();
              f.get(src).get(strideN).add().set(src);
              f.get(d).i32(4).add().set(d);
            });
            f.else_();
            f.i32(0).set(b);
            f.forRange(b, n, 1, () => {
              f.get(d).f32Const0().f32Store();
              f.get(d).i32(4).add().set(d);
            });
            f.end();
          });
        });
      });
    });
  }
  {
    const f = m.func("resize_grad", [
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
      "i32",
    ]);
    const [dy, dx, dxBytes, n, yh, yw, xh, xw, cb, rowsT, colsT] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    const b = f.local("i32"), r = f.local("i32"), c = f.local("i32"), g = f.local("i32");
    const src = f.local("i32"), img = f.local("i32"), rt = f.local("i32"), ct = f.local("i32");
    const top = f.local("i32"), bot = f.local("i32"), left = f.local("i32"), right = f.local("i32");
    const v = f.local("v128");
    const wt = f.local("f32"), wb = f.local("f32"), wl = f.local("f32"), wr = f.local("f32");
    f.get(dx).i32(0).get(dxBytes).memoryFill();
    f.get(dy).set(src);
    f.i32(0).set(b);
    f.forRange(b, n, 1, () => {
      // img = dx + b·xh·xw·cb
      f.get(dx).get(b).get(xh).mul().get(xw).mul().get(cb).mul().add().set(img);
      f.i32(0).set(r);
      f.forRange(r, yh, 1, () => {
        f.get(rowsT).get(r).i32(4).shl().add().set(rt);
        f.get(img).get(rt).i32Load(0).get(xw).mul().get(cb).mul().add().set(top);
        f.get(img).get(rt).i32Load(4).get(xw).mul().get(cb).mul().add().set(bot);
        f.get(rt).f32Load(8).set(wt);
        f.get(rt).f32Load(12).set(wb);
        f.i32(0).set(c);
        f.forRange(c, yw, 1, () => {
          f.get(colsT).get(c).i32(4).shl().add().set(ct);
          f.get(ct).i32Load(0).get(cb).mul().set(left);
          f.get(ct).i32Load(4).get(cb).mul().set(right);
          f.get(ct).f32Load(8).set(wl);
          f.get(ct).f32Load(12).set(wr);
          f.i32(0).set(g);
          f.forRange(g, cb, 16, () => {
            f.get(src).get(g).add().v128Load().set(v);
            const scatter = (row: number, col: number, wy: number, wx: number) => {
              f.get(row).get(col).add().get(g).add(); // address (kept for the store)
              f.get(row).get(col).add().get(g).add().v128Load();
              f.get(v).get(wy).get(wx).f32Mul().f32x4Splat().f32x4Mul().f32x4Add();
              f.v128Store();
            };
            scatter(top, left, wt, wl);
            scatter(top, right, wt, wr);
            scatter(bot, left, wb, wl);
            scatter(bot, right, wb, wr);
          });
          f.get(src).get(cb).add().set(src);
        });
      });
    });
  }
  {
    const f = m.func("dw_filter_grad", Array(18).fill("i32"));
    const [x, dy, acc32, acc64, n, h, w, cb, oh, ow, kh, kw, sh, sw, dh, dw, pt, pl] = Array.from({
      length: 18,
    }, (_, i) => i);
    const b = f.local("i32"), y = f.local("i32"), i = f.local("i32"), xo = f.local("i32"), j = f.local("i32");
    const g = f.local("i32"),
      xy = f.local("i32"),
      xx = f.local("i32"),
      xrow = f.local("i32"),
      goff = f.local("i32");
    const xoff = f.local("i32"),
      aoff = f.local("i32"),
      accBytes = f.local("i32"),
      a = f.local("i32"),
      v = f.local("v128");
    f.get(kh).get(kw).mul().get(cb).mul().set(accBytes);
    f.i32(0).set(b);
    f.forRange(b, n, 1, () => {
      f.i32(0).set(y);
      f.forRange(y, oh, 1, () => {
        f.get(acc32).i32(0).get(accBytes).memoryFill();
        f.i32(0).set(i);
        f.forRange(i, kh, 1, () => {
          f.get(y).get(sh).mul().get(i).get(dh).mul().add().get(pt).sub().tee(xy).get(h).ltU();
          f.if_();
          // xrow = x + (b·h + xy)·w·cb
          f.get(x).get(b).get(h).mul().get(xy).add().get(w).mul().get(cb).mul().add().set(xrow);
          f.i32(0).set(xo);
          f.forRange(xo, ow, 1, () => {
            // goff = dy + ((b·oh + y)·ow + xo)·cb
            f.get(dy).get(b).get(oh).mul().get(y).add().get(ow).mul().get(xo).add().get(cb).mul().add().set(
              goff,
            );
            f.i32(0).set(j);
            f.forRange(j, kw, 1, () => {
              f.get(xo).get(sw).mul().get(j).get(dw).mul().add().get(pl).sub().tee(xx).get(w).ltU();
              f.if_();
              f.get(xrow).get(xx).get(cb).mul().add().set(xoff);
              f.get(acc32).get(i).get(kw).mul().get(j).add().get(cb).mul().add().set(aoff);
              f.i32(0).set(g);
              f.forRange(g, cb, 16, () => {
                f.get(aoff).get(g).add().tee(a);
                f.get(a).v128Load();
                f.get(xoff).get(g).add().v128Load();
                f.get(goff).get(g).add().v128Load().f32x4Mul().f32x4Add();
                f.v128Store();
              });
              f.end();
            });
          });
          f.end();
        });
        // Flush the row's float32 partial sums into the float64 accumulators.
        f.i32(0).set(g);
        f.forRange(g, accBytes, 16, () => {
          f.get(acc32).get(g).add().v128Load().set(v);
          for (const half of [0, 1]) {
            f.get(acc64).get(g).i32(1).shl().add().tee(a);
            f.get(a).v128Load(half * 16);
            (half ? f.highHalfOf(v) : f.get(v)).f64x2PromoteLow();
            f.f64x2Add().v128Store(half * 16);
          }
        });
      });
    });
  }
  {
    const f = m.func("copy2d", ["i32", "i32", "i32", "i32", "i32", "i32"]);
    const [src, dst, rows, run, ss, ds] = [0, 1, 2, 3, 4, 5];
    const i = f.local("i32"), b = f.local("i32");
    // Runs that are whole vectors: a v128 loop (memory.copy costs ~50 ns per call on short runs).
    f.get(run).i32(15).and().eqz();
    f.if_();
    f.i32(0).set(i);
    f.forRange(i, rows, 1, () => {
      f.i32(0).set(b);
      f.forRange(b, run, 16, () => {
        f.get(dst).get(b).add();
        f.get(src).get(b).add().v128Load();
        f.v128Store();
      });
      f.get(src).get(ss).add().set(src);
      f.get(dst).get(ds).add().set(dst);
    });
    f.else_();
    f.i32(0).set(i);
    f.forRange(i, rows, 1, () => {
      f.get(dst).get(src).get(run).memoryCopy();
      f.get(src).get(ss).add().set(src);
      f.get(dst).get(ds).add().set(dst);
    });
    f.end();
  }
  emitConvFilterGrad(m, fma);
  emitConv2dDirect(m, fma);
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
