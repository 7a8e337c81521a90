/**
 * The SIMD direct convolution against a plain JavaScript sum, both builds of the module (fused
 * multiply-add and plain multiply + add), over item ranges, border pixel groups, strides,
 * dilations, padding and channel tails.
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
      (new WebAssembly.Instance(m, { env: { memory } }).exports as Record<string, Fn>).conv2d_direct,
    ]);
  } catch (e) {
    if (!fma) throw e; // the plain build must always compile
  }
}

const CASES = [
  { n: 2, h: 7, w: 9, ci: 6, co: 12, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 1, pl: 1 },
  { n: 1, h: 11, w: 13, ci: 3, co: 8, kh: 3, kw: 2, sh: 2, sw: 3, dh: 1, dw: 2, pt: 0, pl: 2 },
  { n: 3, h: 5, w: 6, ci: 9, co: 4, kh: 1, kw: 1, sh: 1, sw: 1, dh: 1, dw: 1, pt: 0, pl: 0 },
  { n: 1, h: 4, w: 4, ci: 1, co: 16, kh: 5, kw: 5, sh: 1, sw: 1, dh: 2, dw: 2, pt: 4, pl: 4 },
  { n: 2, h: 6, w: 17, ci: 5, co: 20, kh: 3, kw: 3, sh: 1, sw: 1, dh: 1, dw: 1, pt: 2, pl: 0 },
];

for (const [name, fn] of builds) {
  for (const p of CASES) {
    Deno.test(`SIMD conv2d_direct (${name}) matches JavaScript: ${JSON.stringify(p)}`, () => {
      const oh = Math.floor((p.h + 2 * p.pt - (p.kh - 1) * p.dh - 1) / p.sh) + 1;
      const ow = Math.floor((p.w + 2 * p.pl - (p.kw - 1) * p.dw - 1) / p.sw) + 1;
      const x = rand(p.n * p.h * p.w * p.ci, 7), w = rand(p.kh * p.kw * p.ci * p.co, 8);
      const cob = Math.ceil(p.co / 8);
      const packed = new Float32Array(p.kh * p.kw * cob * p.ci * 8);
      for (let t = 0; t < p.kh * p.kw; t++) {
        for (let c = 0; c < p.ci; c++) {
          for (let o = 0; o < p.co; o++) {
            packed[((t * cob + (o >> 3)) * p.ci + c) * 8 + (o & 7)] = w[(t * p.ci + c) * p.co + o];
          }
        }
      }
      const want = new Float64Array(p.n * oh * ow * p.co);
      for (let b = 0; b < p.n; b++) {
        for (let r = 0; r < oh; r++) {
          for (let u = 0; u < ow; u++) {
            for (let i = 0; i < p.kh; i++) {
              for (let j = 0; j < p.kw; j++) {
                const xy = r * p.sh + i * p.dh - p.pt, xx = u * p.sw + j * p.dw - p.pl;
                if (xy < 0 || xy >= p.h || xx < 0 || xx >= p.w) continue;
                for (let c = 0; c < p.ci; c++) {
                  const xv = x[((b * p.h + xy) * p.w + xx) * p.ci + c];
                  for (let o = 0; o < p.co; o++) {
                    want[((b * oh + r) * ow + u) * p.co + o] += xv *
                      w[((i * p.kw + j) * p.ci + c) * p.co + o];
                  }
                }
              }
            }
          }
        }
      }
      const px = 64, pw = px + x.byteLength, py = pw + packed.byteLength;
      new Float32Array(memory.buffer, px, x.length).set(x);
      new Float32Array(memory.buffer, pw, packed.length).set(packed);
      new Float32Array(memory.buffer, py, want.length + 8).fill(NaN);
      const items = p.n * oh * cob, cut = Math.floor(items / 3);
      const args = [
        px,
        pw,
        py,
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
      ];
      fn(...args, 0, cut);
      fn(...args, cut, items);
      assertAllClose(new Float32Array(memory.buffer, py, want.length), want, 1e-5, 1e-5, "y");
      // Nothing written past the output.
      if (!Number.isNaN(new Float32Array(memory.buffer, py + want.length * 4, 1)[0])) {
        throw new Error("wrote past y");
      }
    });
  }
}
