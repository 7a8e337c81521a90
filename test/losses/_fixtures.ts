/**
 * Reads the reference loss fixtures (test/fixtures/losses, copied from the shared reference
 * data) and converts their NCHW tensors to seglab's NHWC layout.
 */
import { tf } from "../../lib/mod.ts";

const DIR = new URL("../fixtures/losses/", import.meta.url);

/** A small fixture case (full tensors). */
export interface Fixture {
  name: string;
  type: string;
  params: Record<string, unknown>;
  logits: number[][][][] | number[][][][][];
  labels: number[][][];
  loss: number;
  grad: number[][][][] | number[][][][][];
  loss_list?: number[];
  per_image?: boolean;
  exact_error_ties?: number;
  compact?: boolean;
  top_k_pixels?: number;
  [k: string]: unknown;
}

/** Loads `name.json`. */
export function loadFixture(name: string): Fixture {
  return JSON.parse(Deno.readTextFileSync(new URL(`${name}.json`, DIR)));
}

/** Every fixture file name (without `.json`). */
export function fixtureNames(): string[] {
  return [...Deno.readDirSync(DIR)].map((e) => e.name).filter((n) => n.endsWith(".json")).map((n) =>
    n.slice(0, -5)
  )
    .sort();
}

/** NCHW nested array → NHWC float32 tensor. */
export function nhwcTensor(nchw: number[][][][]): tf.Tensor4D {
  const n = nchw.length, c = nchw[0].length, h = nchw[0][0].length, w = nchw[0][0][0].length;
  const out = new Float32Array(n * h * w * c);
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < c; k++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) out[((a * h + y) * w + x) * c + k] = nchw[a][k][y][x];
      }
    }
  }
  return tf.tensor4d(out, [n, h, w, c]);
}

/** NCHW nested array → flat NHWC values (float64 numbers). */
export function nhwcValues(nchw: number[][][][]): number[] {
  const n = nchw.length, c = nchw[0].length, h = nchw[0][0].length, w = nchw[0][0][0].length;
  const out = new Array<number>(n * h * w * c);
  for (let a = 0; a < n; a++) {
    for (let k = 0; k < c; k++) {
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) out[((a * h + y) * w + x) * c + k] = nchw[a][k][y][x];
      }
    }
  }
  return out;
}

/** NHW nested labels → int32 tensor. */
export function labelTensor(nhw: number[][][]): tf.Tensor3D {
  return tf.tensor3d(nhw, undefined, "int32");
}

/** The fixture's params with `type`, as a loss spec. */
export function specOf(f: Fixture): Record<string, unknown> & { type: string } {
  return { type: f.type, ...f.params };
}
