/** seglab's SIMD kernels against plain JavaScript on the same data (odd row counts, 4–128 channels: narrow rows summed in blocks, wide ones streamed). */
import assert from "node:assert/strict";
import { simdKernels } from "../../../../lib/backend/wasm/simd/kernels.ts";
import { assertAllClose } from "../../../support/assert_close.ts";
import { rand } from "../../_compare.ts";

const memory = new WebAssembly.Memory({ initial: 64 });
const k = simdKernels(memory)!;

/** Lays out arrays in the memory at 16-byte aligned offsets; returns their byte offsets. */
function layout(arrays: (Float32Array | Float64Array)[]): number[] {
  let at = 16;
  return arrays.map((a) => {
    const off = at;
    new Uint8Array(memory.buffer, off, a.byteLength).set(
      new Uint8Array(a.buffer, a.byteOffset, a.byteLength),
    );
    at += (a.byteLength + 15) & ~15;
    return off;
  });
}
const f32 = (off: number, n: number) => new Float32Array(memory.buffer, off, n);
const f64 = (off: number, n: number) => new Float64Array(memory.buffer, off, n);

for (const [rows, c] of [[37, 4], [13, 16], [5, 64], [23, 24], [7, 128]]) {
  Deno.test(`SIMD kernels match JavaScript: ${rows} rows × ${c} channels`, () => {
    const n = rows * c;
    const x = rand(n, 1), dy = rand(n, 2), a = rand(c, 3), b = rand(c, 4), q = rand(c, 5);
    const [px, pdy, pa, pb, pq, py, ps1, ps2] = layout([
      x,
      dy,
      a,
      b,
      q,
      new Float32Array(n),
      new Float64Array(c),
      new Float64Array(c),
    ]);
    const expect = (fn: (r: number, j: number) => number) =>
      Float64Array.from({ length: n }, (_, i) => fn(Math.floor(i / c), i % c));

    k.relu_grad(px, pdy, py, n * 4);
    assertAllClose(f32(py, n), expect((r, j) => (x[r * c + j] > 0 ? dy[r * c + j] : 0)), 0, 0, "relu_grad");

    k.affine(px, py, pa, pb, c * 4, n * 4);
    assertAllClose(
      f32(py, n),
      expect((r, j) => Math.fround(Math.fround(a[j] * x[r * c + j]) + b[j])),
      0,
      0,
      "affine",
    );

    k.lincomb(pdy, px, pa, pq, pb, py, c * 4, n * 4);
    assertAllClose(
      f32(py, n),
      expect((r, j) => a[j] * dy[r * c + j] + q[j] * x[r * c + j] + b[j]),
      1e-6,
      1e-6,
      "lincomb",
    );

    const sum = (fn: (i: number) => number) =>
      Float64Array.from({ length: c }, (_, j) => {
        let s = 0;
        for (let r = 0; r < rows; r++) s += fn(r * c + j);
        return s;
      });
    f64(ps1, c).fill(0);
    f64(ps2, c).fill(0);
    k.sums(px, pb, ps1, ps2, c * 4, n * 4); // shift = b
    // float32 partial sums over blocks of 16 rows: within ~16 float32 roundings of the exact sums
    const shifted = (i: number) => Math.fround(x[i] - b[i % c]);
    const scale1 = sum((i) => Math.abs(shifted(i))), scale2 = sum((i) => shifted(i) ** 2);
    f64(ps1, c).forEach((v, j) =>
      assert.ok(Math.abs(v - sum(shifted)[j]) <= 2e-6 * scale1[j], `sums Σ(x − shift) [${j}]`)
    );
    f64(ps2, c).forEach((v, j) =>
      assert.ok(Math.abs(v - sum((i) => shifted(i) ** 2)[j]) <= 2e-6 * scale2[j], `sums Σ(x − shift)² [${j}]`)
    );
    f64(ps1, c).fill(0);
    f64(ps2, c).fill(0);
    k.sums2(pdy, px, pa, ps1, ps2, c * 4, n * 4); // mean = a
    const scaleDy = sum((i) => Math.abs(dy[i]));
    f64(ps1, c).forEach((v, j) =>
      assert.ok(Math.abs(v - sum((i) => dy[i])[j]) <= 2e-6 * scaleDy[j], `sums2 Σdy [${j}]`)
    );
    const term = (i: number) => Math.fround(dy[i] * Math.fround(x[i] - a[i % c]));
    const scaleT = sum((i) => Math.abs(term(i)));
    f64(ps2, c).forEach((v, j) =>
      assert.ok(Math.abs(v - sum(term)[j]) <= 2e-6 * scaleT[j], `sums2 Σdy(x−μ) [${j}]`)
    );
  });
}

for (const run of [16, 64, 12]) {
  Deno.test(`SIMD copy2d copies strided rows of ${run} bytes (vector loop or memory.copy)`, () => {
    const src = new Uint8Array(memory.buffer, 4096, 2048), dst = new Uint8Array(memory.buffer, 8192, 2048);
    src.forEach((_, i) => (src[i] = (i * 7) % 251));
    dst.fill(0);
    k.copy2d(4096 + 3, 8192 + 5, 9, run, 100, 130);
    const want = new Uint8Array(2048);
    for (let r = 0; r < 9; r++) for (let j = 0; j < run; j++) want[5 + r * 130 + j] = src[3 + r * 100 + j];
    assertAllClose(dst, want, 0, 0, "copy2d");
  });
}

Deno.test("SIMD im2row lays out x[b, h, o + k·dw − pl, c] as [h, c, k, o, b] with zero padding", () => {
  const [n, h, w, c, kw, ow, dw, pl] = [3, 2, 5, 2, 3, 4, 2, 2];
  const x = rand(n * h * w * c, 9);
  const [px, pd] = layout([x, new Float32Array(h * c * kw * ow * n)]);
  k.im2row(px, pd, n, h, w, c, kw, ow, dw, pl);
  const want: number[] = [];
  for (let y = 0; y < h; y++) {
    for (let ch = 0; ch < c; ch++) {
      for (let t = 0; t < kw; t++) {
        for (let o = 0; o < ow; o++) {
          for (let b = 0; b < n; b++) {
            const col = o + t * dw - pl;
            want.push(col >= 0 && col < w ? x[((b * h + y) * w + col) * c + ch] : 0);
          }
        }
      }
    }
  }
  assertAllClose(f32(pd, want.length), want, 0, 0, "im2row");
});
