/**
 * The compact fixtures' input recipes (hash-generated logits and labels), regenerated exactly,
 * and the gradient summaries they are checked against.
 */
import type { Fixture } from "./_fixtures.ts";

/** The fixtures' 32-bit integer hash. */
export function lowbias32(x: number): number {
  x = x >>> 0;
  x = (x ^ (x >>> 16)) >>> 0;
  x = Math.imul(x, 0x7feb352d) >>> 0;
  x = (x ^ (x >>> 15)) >>> 0;
  x = Math.imul(x, 0x846ca68b) >>> 0;
  return (x ^ (x >>> 16)) >>> 0;
}

interface LabelsRecipe {
  kind: "binary" | "multiclass";
  seed_block: number;
  seed_ignore: number;
  block_shift: number;
  ignore_modulus: number;
  num_label_values?: number;
  positive_modulus?: number;
}
interface LogitsRecipe {
  seed: number;
  boost_label_class?: number;
  boost_positive?: number;
  boost_negative?: number;
}

/** A compact case's inputs: NCHW float64 logits (flat) and NHW labels (flat). */
export function generateInputs(
  f: Fixture,
): { shape: number[]; logitsNCHW: Float64Array; labels: Int32Array } {
  const [n, c, h, w] = f.shape as number[];
  const lr = f.labels_recipe as LabelsRecipe, gr = f.logits_recipe as LogitsRecipe;
  const labels = new Int32Array(n * h * w);
  for (let a = 0; a < n; a++) {
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const b = lowbias32(lr.seed_block + a * 65536 + (y >> lr.block_shift) * 256 + (x >> lr.block_shift));
        const r = lowbias32(lr.seed_ignore + (a * h + y) * w + x);
        labels[(a * h + y) * w + x] = r % lr.ignore_modulus === 0
          ? 255
          : lr.kind === "multiclass"
          ? b % lr.num_label_values!
          : b % lr.positive_modulus! === 0
          ? 1
          : 0;
      }
    }
  }
  const logits = new Float64Array(n * c * h * w);
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < c; k++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const i = ((a * c + k) * h + y) * w + x;
          const lab = labels[(a * h + y) * w + x];
          let v = lowbias32(gr.seed + i) / 2 ** 29 - 4;
          if (lr.kind === "multiclass") v += k === lab ? gr.boost_label_class! : 0;
          else v += lab === 1 ? gr.boost_positive! : lab === 0 ? gr.boost_negative! : 0;
          logits[i] = v;
        }
      }
    }
  }
  return { shape: [n, c, h, w], logitsNCHW: logits, labels };
}

/** NCHW flat → NHWC flat float32. */
export function toNHWC(src: ArrayLike<number>, [n, c, h, w]: number[]): Float32Array {
  const out = new Float32Array(src.length);
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < c; k++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) out[((a * h + y) * w + x) * c + k] = src[((a * c + k) * h + y) * w + x];
      }
    }
  }
  return out;
}

/** NHWC flat → NCHW flat (float64). */
export function toNCHW(src: ArrayLike<number>, [n, c, h, w]: number[]): Float64Array {
  const out = new Float64Array(src.length);
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < c; k++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) out[((a * c + k) * h + y) * w + x] = src[((a * h + y) * w + x) * c + k];
      }
    }
  }
  return out;
}

/** The statistics a compact fixture's `grad_summary` holds, computed from an NCHW gradient. */
export function gradSummary(g: ArrayLike<number>, shape: number[], sampleSeed: number) {
  const [, c, h, w] = shape;
  let sum = 0, absSum = 0, sqSum = 0, maxAbs = 0, weighted = 0;
  const perChannel = new Array<number>(c).fill(0);
  for (let i = 0; i < g.length; i++) {
    const v = g[i];
    sum += v;
    absSum += Math.abs(v);
    sqSum += v * v;
    if (Math.abs(v) > maxAbs) maxAbs = Math.abs(v);
    weighted += v * ((i % 7) - 3);
    perChannel[Math.floor(i / (h * w)) % c] += Math.abs(v);
  }
  const samples = Array.from({ length: 16 }, (_, k) => lowbias32(sampleSeed + k) % g.length);
  return { sum, absSum, sqSum, maxAbs, weighted, perChannel, samples };
}
