/**
 * `writePickle(value, { protocol })`: writes a Python pickle that `paddle.load` (and numpy's
 * `pickle.load`) read as `paddle.save` would have written it — dicts, lists, strings, numbers,
 * booleans, `None` and numpy arrays (`numpy.core.multiarray._reconstruct` + `BUILD`, the form
 * every numpy version reads). Protocol 4 (Paddle ≥ 2.1's default) or 2 (Paddle 2.0's; bytes
 * then go through `_codecs.encode(…, "latin1")`, as Python writes them).
 *
 * @example
 * ```ts
 * import { writePickle } from "./pickle_writer.ts";
 * import { ndarray } from "./ndarray.ts";
 * const bytes = writePickle(new Map([["w", ndarray("f4", [2], new Float32Array([1, 2]))]]));
 * ```
 * @module
 */
import { DTYPES, isNdArray, type NdArray } from "./ndarray.ts";

/** What {@linkcode writePickle} writes. */
export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | PickleValue[]
  | Map<string | number, PickleValue>
  | NdArray;

/** Options of {@linkcode writePickle}. */
export interface WritePickleOptions {
  /** 4 (default) or 2. */
  protocol?: 2 | 4;
}

const enc = new TextEncoder();

class Out {
  #chunks: Uint8Array[] = [];
  #buf = new Uint8Array(1 << 16);
  #n = 0;

  byte(...b: number[]): void {
    for (const x of b) {
      if (this.#n === this.#buf.length) this.#flush();
      this.#buf[this.#n++] = x;
    }
  }

  u32(v: number): void {
    this.byte(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
  }

  raw(b: Uint8Array): void {
    if (b.length < 4096) {
      for (const x of b) this.byte(x);
      return;
    }
    this.#flush();
    this.#chunks.push(b);
  }

  #flush(): void {
    if (this.#n) this.#chunks.push(this.#buf.slice(0, this.#n));
    this.#n = 0;
  }

  bytes(): Uint8Array {
    this.#flush();
    const total = this.#chunks.reduce((a, c) => a + c.length, 0);
    const out = new Uint8Array(total);
    let o = 0;
    for (const c of this.#chunks) {
      out.set(c, o);
      o += c.length;
    }
    return out;
  }
}

/** Serialises `value` (see the module documentation). */
export function writePickle(value: PickleValue, opts: WritePickleOptions = {}): Uint8Array {
  const protocol = opts.protocol ?? 4;
  if (protocol !== 2 && protocol !== 4) {
    throw new Error(`writePickle: protocol must be 2 or 4, got ${protocol}`);
  }
  const w = new Writer(protocol);
  w.out.byte(0x80, protocol);
  w.value(value);
  w.out.byte(0x2e); // STOP
  return w.out.bytes();
}

class Writer {
  readonly out = new Out();
  #memo = 0;
  readonly #globals = new Map<string, number>();

  constructor(readonly protocol: 2 | 4) {}

  #put(): number {
    const i = this.#memo++;
    if (this.protocol === 4) this.out.byte(0x94); // MEMOIZE
    else if (i < 256) this.out.byte(0x71, i); // BINPUT
    else {
      this.out.byte(0x72); // LONG_BINPUT
      this.out.u32(i);
    }
    return i;
  }

  #get(i: number): void {
    if (i < 256) this.out.byte(0x68, i);
    else {
      this.out.byte(0x6a);
      this.out.u32(i);
    }
  }

  str(s: string): void {
    const b = enc.encode(s);
    if (this.protocol === 4 && b.length < 256) this.out.byte(0x8c, b.length); // SHORT_BINUNICODE
    else {
      this.out.byte(0x58); // BINUNICODE
      this.out.u32(b.length);
    }
    this.out.raw(b);
  }

  global(module: string, name: string): void {
    const key = `${module}.${name}`;
    const at = this.#globals.get(key);
    if (at !== undefined) return this.#get(at);
    if (this.protocol === 4) {
      this.str(module);
      this.str(name);
      this.out.byte(0x93); // STACK_GLOBAL
    } else {
      this.out.byte(0x63); // GLOBAL
      this.out.raw(enc.encode(`${module}\n${name}\n`));
    }
    this.#globals.set(key, this.#put());
  }

  int(v: number | bigint): void {
    if (typeof v === "number" && v >= 0 && v < 256) return this.out.byte(0x4b, v); // BININT1
    if (typeof v === "number" && v >= -(2 ** 31) && v < 2 ** 31) {
      this.out.byte(0x4a); // BININT
      this.out.u32(v >>> 0);
      return;
    }
    // LONG1: little-endian two's complement.
    let x = BigInt(v);
    const bytes: number[] = [];
    for (;;) {
      bytes.push(Number(x & 0xffn));
      x >>= 8n;
      const sign = bytes[bytes.length - 1] & 0x80;
      if ((x === 0n && !sign) || (x === -1n && sign)) break;
    }
    this.out.byte(0x8a, bytes.length, ...bytes);
  }

  bytes(b: Uint8Array): void {
    if (this.protocol === 4) {
      if (b.length < 256) this.out.byte(0x43, b.length); // SHORT_BINBYTES
      else {
        this.out.byte(0x42); // BINBYTES
        this.out.u32(b.length);
      }
      this.out.raw(b);
      return;
    }
    // Protocol 2 has no bytes opcode: Python writes _codecs.encode(<the bytes as Latin-1 text>, "latin1").
    this.global("_codecs", "encode");
    const utf = new Uint8Array(b.length * 2);
    let n = 0;
    for (const x of b) {
      if (x < 0x80) utf[n++] = x;
      else {
        utf[n++] = 0xc0 | (x >> 6);
        utf[n++] = 0x80 | (x & 0x3f);
      }
    }
    this.out.byte(0x58); // BINUNICODE
    this.out.u32(n);
    this.out.raw(utf.subarray(0, n));
    this.str("latin1");
    this.out.byte(0x86, 0x52); // TUPLE2, REDUCE
    this.#put();
  }

  tuple(items: (() => void)[]): void {
    if (items.length === 0) return this.out.byte(0x29);
    if (items.length <= 3) {
      for (const f of items) f();
      return this.out.byte(0x84 + items.length);
    }
    this.out.byte(0x28); // MARK
    for (const f of items) f();
    this.out.byte(0x74); // TUPLE
  }

  array(a: NdArray): void {
    const info = DTYPES[a.dtype];
    this.global("numpy.core.multiarray", "_reconstruct");
    this.tuple([
      () => this.global("numpy", "ndarray"),
      () => this.tuple([() => this.int(0)]),
      () => this.bytes(enc.encode("b")),
    ]);
    this.out.byte(0x52); // REDUCE
    this.#put();
    const data = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
    this.tuple([
      () => this.int(1),
      () => this.tuple(a.shape.map((d) => () => this.int(d))),
      () => this.dtype(a.dtype, info.bytes > 1 ? "<" : "|"),
      () => this.out.byte(0x89), // NEWFALSE: C order
      () => this.bytes(data),
    ]);
    this.out.byte(0x62); // BUILD
  }

  dtype(code: string, order: string): void {
    this.global("numpy", "dtype");
    this.tuple([() => this.str(code), () => this.out.byte(0x89), () => this.out.byte(0x88)]);
    this.out.byte(0x52); // REDUCE
    this.#put();
    this.tuple([
      () => this.int(3),
      () => this.str(order),
      () => this.out.byte(0x4e),
      () => this.out.byte(0x4e),
      () => this.out.byte(0x4e),
      () => this.int(-1),
      () => this.int(-1),
      () => this.int(0),
    ]);
    this.out.byte(0x62); // BUILD
  }

  value(v: PickleValue): void {
    if (v === null) return this.out.byte(0x4e);
    if (v === true) return this.out.byte(0x88);
    if (v === false) return this.out.byte(0x89);
    if (typeof v === "bigint") return this.int(v);
    if (typeof v === "number") {
      if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER && !Object.is(v, -0)) {
        return this.int(v);
      }
      this.out.byte(0x47); // BINFLOAT, big-endian
      const b = new Uint8Array(8);
      new DataView(b.buffer).setFloat64(0, v, false);
      return this.out.raw(b);
    }
    if (typeof v === "string") return this.str(v);
    if (isNdArray(v)) return this.array(v);
    if (Array.isArray(v)) {
      this.out.byte(0x5d); // EMPTY_LIST
      this.#put();
      for (let i = 0; i < v.length; i += 1000) {
        this.out.byte(0x28);
        for (const x of v.slice(i, i + 1000)) this.value(x);
        this.out.byte(0x65); // APPENDS
      }
      return;
    }
    if (v instanceof Map) {
      this.out.byte(0x7d); // EMPTY_DICT
      this.#put();
      const entries = [...v.entries()];
      for (let i = 0; i < entries.length; i += 1000) {
        this.out.byte(0x28);
        for (const [k, x] of entries.slice(i, i + 1000)) {
          this.value(k);
          this.value(x);
        }
        this.out.byte(0x75); // SETITEMS
      }
      return;
    }
    throw new Error(`writePickle: cannot write ${typeof v}`);
  }
}
