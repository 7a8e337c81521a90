/**
 * `NdArray`: what a numpy array in a Paddle checkpoint becomes in seglab — a dtype name, a
 * shape (C order) and a typed array over the values. Only the plain numeric dtypes Paddle
 * writes are known; anything else (object arrays, structured dtypes) is refused by the reader.
 * @module
 */

/** numpy's type codes seglab reads and writes, with their typed array and size. */
export const DTYPES = {
  f4: { name: "float32", bytes: 4, array: Float32Array },
  f8: { name: "float64", bytes: 8, array: Float64Array },
  f2: { name: "float16", bytes: 2, array: Uint16Array },
  i8: { name: "int64", bytes: 8, array: BigInt64Array },
  i4: { name: "int32", bytes: 4, array: Int32Array },
  i2: { name: "int16", bytes: 2, array: Int16Array },
  i1: { name: "int8", bytes: 1, array: Int8Array },
  u8: { name: "uint64", bytes: 8, array: BigUint64Array },
  u4: { name: "uint32", bytes: 4, array: Uint32Array },
  u2: { name: "uint16", bytes: 2, array: Uint16Array },
  u1: { name: "uint8", bytes: 1, array: Uint8Array },
  b1: { name: "bool", bytes: 1, array: Uint8Array },
} as const;

/** A numpy type code seglab knows (`f4` = float32 …). */
export type DTypeCode = keyof typeof DTYPES;

/** The typed arrays an {@linkcode NdArray} holds. */
export type NdData =
  | Float32Array
  | Float64Array
  | BigInt64Array
  | BigUint64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array;

/** A C-ordered numpy array. `float16` values are kept as their raw 16-bit patterns. */
export interface NdArray {
  readonly kind: "ndarray";
  readonly dtype: DTypeCode;
  readonly shape: readonly number[];
  readonly data: NdData;
}

/** True for a known numpy type code. */
export function isDTypeCode(code: string): code is DTypeCode {
  return Object.hasOwn(DTYPES, code);
}

/** Number of elements of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** An array from values in C order (copies nothing; checks the length). */
export function ndarray(dtype: DTypeCode, shape: readonly number[], data: NdData): NdArray {
  if (data.length !== sizeOf(shape)) {
    throw new Error(`ndarray: shape [${shape}] needs ${sizeOf(shape)} values, got ${data.length}`);
  }
  return { kind: "ndarray", dtype, shape: [...shape], data };
}

/** True for an {@linkcode NdArray}. */
export function isNdArray(x: unknown): x is NdArray {
  return typeof x === "object" && x !== null && (x as NdArray).kind === "ndarray";
}

/** The values of a float array as float32 (float64 and float16 converted; integers refused). */
export function toFloat32(a: NdArray, what: string): Float32Array {
  if (a.dtype === "f4") return a.data as Float32Array;
  if (a.dtype === "f8") return Float32Array.from(a.data as Float64Array);
  if (a.dtype === "f2") return Float32Array.from(a.data as Uint16Array, halfToFloat);
  throw new Error(`${what}: expected floating-point values, got ${DTYPES[a.dtype].name}`);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1, e = (h >> 10) & 0x1f, f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}
