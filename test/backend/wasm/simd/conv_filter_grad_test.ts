/**
 * The SIMD weight-gradient kernel against a plain JavaScript sum, both builds of the module
 * (relaxed-SIMD fused multiply-add, and plain multiply + add for runtimes without it), over
 * row blocks of every size, tile ranges, channel tails, strides, dilations and padding.
 */
import { buildSimdModule } from "../../../../lib/backend/wasm/simd/kernels.ts";
import { assertAllClose } from "../../../support/assert_close.ts";
import { rand } from "../../_compare.ts";

type Fn = (...a: number[]) => void;
const memory = new WebAssembly.Memory({ initial: 64 });
const builds: [string, Fn][] = [];
for (const fma of [true, false]) {
  try {
    const m = new WebAssembly.Module(buildSimdModule(false, fma) as BufferSource);
    builds.push([
      fma ? "fma" : "mul+add",
      (new WebAssembly.Instance(m, { env: { memory } }).exports as Record<string, Fn>).conv_filter_grad,
    ]);
  } catch (e) {
    if (!fma) throw e; // the plain build must always compile
  }
}

interface P {
  n: number;
  h: number;
  w: number;
  ci: number;
  co: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
  pt: number;
  pl: number;
  oh: number;
  ow: number;
}

function reference(p: P, x: Float32Array, dy: Float32Array): Float64Array {
  const out = new Float64Array(p.kh * p.kw * p.ci * p.co);
  for (let b = 0; b < p.n; b++) {
    for (let y = 0; y < p.oh; y++) {
      for (let u = 0; u < p.ow; u++) {
        for (let i = 0; i < p.kh; i++) {
          for (let j = 0; j < p.kw; j++) {
            const xy = y * p.sh + i * p.dh - p.pt, xx = u * p.sw + j * p.dw - p.pl;
            if (xy < 0 || xy >= p.h || xx < 0 || xx >= p.w) continue;
            for (let c = 0; c < p.ci; c++) {
              const xv = x[((b * p.h + xy) * p.w + xx) * p.ci + c];
              for (let o = 0; o < p.co; o++) {
                out[((i * p.kw + j) * p.ci + c) * p.co + o] += xv *
                  dy[((b * p.oh + y) * p.ow + u) * p.co + o];
              }
            }
          }
        }
      }
    }
  }
  return out;
}

const CASES: (Omit<P, "oh" | "ow"> & { block: number })[] = [
  { n: 2, h: 7, w: 9, ci: 6, co: 12, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, block: 1 },
  { n: 2, h: 7, w: 9, ci: 6, co: 12, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1, block: 5 },
  { n: 1, h: 11, w: 10, ci: 3, co: 8, kh: 3, kw: 2, sh: 2, sw: 3, dh: 1, dw: 2, pt: 0, pl: 2, block: 100 },
  { n: 3, h: 5, w: 6, ci: 9, co: 4, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pl: 0, block: 4 },
  { n: 1, h: 4, w: 4, ci: 1, co: 16, kh: 5, kw: 5, sh: 1, sw: 1, dh: 2, dw: 2, pt: 4, pl: 4, block: 3 },
];

for (const [name, fn] of builds) {
  for (const c of CASES) {
    const oh = Math.floor((c.h + 2 * c.pt - (c.kh - 1) * c.dh - 1) / c.sh) + 1;
    const ow = Math.floor((c.w + 2 * c.pl - (c.kw - 1) * c.dw - 1) / c.sw) + 1;
    const p: P = { ...c, oh, ow };
    Deno.test(`SIMD conv_filter_grad (${name}) matches JavaScript: ${JSON.stringify(c)}`, () => {
      const x = rand(p.n * p.h * p.w * p.ci, 5), dy = rand(p.n * oh * ow * p.co, 6);
      const outN = p.kh * p.kw * p.ci * p.co;
      const px = 64, pdy = px + x.byteLength, pout = pdy + dy.byteLength;
      new Float32Array(memory.buffer, px, x.length).set(x);
      new Float32Array(memory.buffer, pdy, dy.length).set(dy);
      new Float32Array(memory.buffer, pout, outN).fill(0);
      const tiles = p.kh * p.kw * Math.ceil(p.ci / 4) * Math.ceil(p.co / 8);
      const args = [
        px,
        pdy,
        pout,
        p.n,
        p.h,
        p.w,
        p.ci,
        oh,
        ow,
        p.co,
        p.kh,
        p.kw,
        p.sh,
        p.sw,
        p.dh,
        p.dw,
        p.pt,
        p.pl,
        c.block,
      ];
      // Two uneven tile ranges, as two threads would run them.
      const cut = Math.floor(tiles / 3);
      fn(...args, 0, cut);
      fn(...args, cut, tiles);
      assertAllClose(new Float32Array(memory.buffer, pout, outN), reference(p, x, dy), 1e-5, 1e-5, "dW");
    });
  }
}
