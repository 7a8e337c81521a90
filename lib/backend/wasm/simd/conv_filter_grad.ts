/**
 * The weight gradient of a 2-D convolution as a SIMD kernel over the wasm heap, split across
 * threads:
 * `dW[i, j, c, o] = Σ_{b, y, u} x[b, y·sh + i·dh − pt, u·sw + j·dw − pl, c] · dy[b, y, u, o]`.
 *
 * The output is cut into tiles of 4 input channels × 8 output channels of one tap `(i, j)`; a
 * tile's 32 sums stay in registers while it runs along one output row (the input row it reads
 * and the output-gradient row are in cache: every row is read once per tile, no im2col copy),
 * then are added to `dW`. Each thread owns a range of tiles, so no partial results are merged.
 * This replaced XNNPACK convolutions over a row layout, whose weight packing (the output gradient
 * was the "filter": ~2.5 ms per MiB, one thread) cost as much as the arithmetic.
 *
 * Needs a channel count `Co` that is a multiple of 4; any `Ci`, strides, dilations and padding.
 * @module
 */
import type { tf } from "../../tf.ts";
import { f32, type WasmBackend } from "../heap.ts";
import type { ModuleBuilder } from "./assembler.ts";
import { kernelsFor } from "./fused_simd.ts";
import { runSplit } from "./helper_threads.ts";

/** Emits `conv_filter_grad(x, dy, out, n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl, t0, t1)`: adds tiles `[t0, t1)` into `out`. */
export function emitConvFilterGrad(m: ModuleBuilder): void {
  const f = m.func("conv_filter_grad", Array(20).fill("i32"));
  const [x, dy, out, n, h, w, ci, oh, ow, co, kh, kw, sh, sw, dh, dw, pt, pl, t0, t1] = Array.from(
    { length: 20 },
    (_, i) => i,
  );
  void kh;
  const L = () => f.local("i32");
  const b = L(), y = L(), t = L(), cob = L(), cib = L(), tap = L(), i = L(), j = L(), xy = L();
  const off = L(), lo = L(), hi = L(), xp = L(), gp = L(), cnt = L(), xstep = L(), gstep = L();
  const nr = L(), nv = L(), dyrow = L(), COB = L(), CIB = L(), ob = L(), e = L(), r = L(), rowp = L();
  const acc = Array.from({ length: 4 }, () => [f.local("v128"), f.local("v128")]);
  const g0 = f.local("v128"), g1 = f.local("v128"), s = f.local("v128");

  f.get(co).i32(7).add().i32(8).divU().set(COB);
  f.get(ci).i32(3).add().i32(4).divU().set(CIB);
  f.get(sw).get(ci).mul().i32(2).shl().set(xstep);
  f.get(co).i32(2).shl().set(gstep);

  const inner = (rows: number, vecs: number) => {
    for (let a = 0; a < rows; a++) for (let v = 0; v < vecs; v++) f.f32(0).f32x4Splat().set(acc[a][v]);
    f.block().loop();
    f.get(cnt).eqz().brIf(1);
    f.get(gp).v128Load().set(g0);
    if (vecs === 2) f.get(gp).v128Load(16).set(g1);
    for (let a = 0; a < rows; a++) {
      f.get(xp).v128Load32Splat(4 * a).set(s);
      f.get(acc[a][0]).get(s).get(g0).f32x4Mul().f32x4Add().set(acc[a][0]);
      if (vecs === 2) f.get(acc[a][1]).get(s).get(g1).f32x4Mul().f32x4Add().set(acc[a][1]);
    }
    f.get(xp).get(xstep).add().set(xp);
    f.get(gp).get(gstep).add().set(gp);
    f.get(cnt).i32(1).sub().set(cnt);
    f.br(0).end().end();
    f.get(ob).set(rowp);
    for (let a = 0; a < rows; a++) {
      for (let v = 0; v < vecs; v++) {
        f.get(rowp);
        f.get(rowp).v128Load(16 * v).get(acc[a][v]).f32x4Add();
        f.v128Store(16 * v);
      }
      f.get(rowp).get(gstep).add().set(rowp);
    }
  };

  f.i32(0).set(b);
  f.forRange(b, n, 1, () => {
    f.i32(0).set(y);
    f.forRange(y, oh, 1, () => {
      // dyrow = dy + (b·oh + y)·ow·co·4
      f.get(dy).get(b).get(oh).mul().get(y).add().get(ow).mul().get(gstep).mul().add().set(dyrow);
      f.get(t0).set(t);
      f.forRange(t, t1, 1, () => {
        f.get(t).get(COB).remU().set(cob);
        f.get(t).get(COB).divU().tee(r).get(CIB).remU().set(cib);
        f.get(r).get(CIB).divU().set(tap);
        f.get(tap).get(kw).divU().set(i);
        f.get(tap).get(kw).remU().set(j);
        f.get(y).get(sh).mul().get(i).get(dh).mul().add().get(pt).sub().tee(xy).get(h).ltU();
        f.if_();
        {
          f.get(j).get(dw).mul().get(pl).sub().set(off);
          // lo = off < 0 ? ceil(−off / sw) : 0
          f.get(sw).i32(1).sub().get(off).sub().get(sw).divU();
          f.i32(0);
          f.get(off).i32(0).ltS().select().set(lo);
          // hi = min(ow, w − off > 0 ? ceil((w − off) / sw) : 0)
          f.get(w).get(off).sub().set(e);
          f.get(e).get(sw).add().i32(1).sub().get(sw).divU();
          f.i32(0);
          f.get(e).i32(0).gtS().select().set(hi);
          f.get(hi).get(ow).get(hi).get(ow).ltS().select().set(hi);
          f.get(lo).get(hi).ltS();
          f.if_();
          {
            // xp = x + (((b·h + xy)·w + lo·sw + off)·ci + cib·4)·4
            f.get(x);
            f.get(b).get(h).mul().get(xy).add().get(w).mul().get(lo).get(sw).mul().add().get(off).add();
            f.get(ci).mul().get(cib).i32(2).shl().add().i32(2).shl().add().set(xp);
            // gp = dyrow + (lo·co + cob·8)·4
            f.get(dyrow).get(lo).get(co).mul().get(cob).i32(3).shl().add().i32(2).shl().add().set(gp);
            f.get(hi).get(lo).sub().set(cnt);
            // ob = out + ((tap·ci + cib·4)·co + cob·8)·4
            f.get(out).get(tap).get(ci).mul().get(cib).i32(2).shl().add().get(co).mul();
            f.get(cob).i32(3).shl().add().i32(2).shl().add().set(ob);
            // nr = min(4, ci − cib·4), nv = co − cob·8 ≥ 8 ? 2 : 1
            f.get(ci).get(cib).i32(2).shl().sub().set(nr);
            f.i32(4).get(nr).get(nr).i32(4).gtS().select().set(nr);
            f.i32(2).i32(1).get(co).get(cob).i32(3).shl().sub().i32(7).gtS().select().set(nv);
            for (const vecs of [2, 1]) {
              for (const rows of [4, 3, 2, 1]) {
                f.get(nv).i32(vecs).eq().get(nr).i32(rows).eq().and();
                f.if_();
                inner(rows, vecs);
                f.end();
              }
            }
          }
          f.end();
        }
        f.end();
      });
    });
  });
}

const ptr = (b: WasmBackend, i: tf.TensorInfo) => b.dataIdMap.get(i.dataId)!.memoryOffset;

/**
 * `dW` (new backend data, `[KH, KW, Ci, Co]`) for NHWC `x` and `dy`, or null where the kernel
 * does not apply (no SIMD module for this heap, or `Co` not a multiple of 4).
 */
export function convFilterGradSimd(
  backend: WasmBackend,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
  filterShape: [number, number, number, number],
): tf.TensorInfo | null {
  const [kh, kw, ci, co] = filterShape;
  if (co % 4 !== 0 || !kernelsFor(backend)) return null;
  const { batchSize: n, inHeight: h, inWidth: w, outHeight: oh, outWidth: ow } = info;
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  const out = backend.makeOutput(filterShape, "float32");
  f32(backend, out).fill(0);
  const tiles = kh * kw * Math.ceil(ci / 4) * Math.ceil(co / 8);
  const args = [
    ptr(backend, x),
    ptr(backend, dy),
    ptr(backend, out),
    n,
    h,
    w,
    ci,
    oh,
    ow,
    co,
    kh,
    kw,
    sh,
    sw,
    dh,
    dw,
  ];
  runSplit(backend, "conv_filter_grad", [...args, info.padInfo.top, info.padInfo.left], tiles);
  return out;
}
