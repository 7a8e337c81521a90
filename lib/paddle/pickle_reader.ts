/**
 * `readPickle(bytes, file)`: a restricted Python unpickler for what `paddle.save` writes — a
 * dict (or list) of names to numpy arrays, numbers, strings, and nested dicts (an optimizer's
 * `.pdopt`), in pickle protocol 2, 3 or 4.
 *
 * A pickle is a program: the standard unpickler imports and calls whatever it names. This one
 * executes nothing. It knows a fixed list of opcodes (the data opcodes of protocols 2–4; no
 * persistent ids, no extension registry, no `INST`/`OBJ`/`NEWOBJ`, no text-protocol opcodes)
 * and a fixed list of globals, each of which it interprets itself:
 *
 * - `numpy.core.multiarray._reconstruct` / `numpy._core.multiarray._reconstruct` with
 *   `numpy.ndarray` and a `BUILD` state `(1, shape, dtype, is_fortran, raw bytes)`;
 * - `numpy.dtype` (`f4`, `i8`, … with its byte-order `BUILD` state);
 * - `numpy.core.multiarray.scalar` / `numpy._core.multiarray.scalar` (one number);
 * - `_codecs.encode(str, "latin1")`: how protocol 2 spells bytes (and `bytes()` empty ones);
 * - `collections.OrderedDict`.
 *
 * Anything else — another opcode, another global, a call with unexpected arguments — is refused
 * before it is acted on, with an error naming the file, the opcode or global, the byte offset
 * and what was expected. A truncated file or one that is not a pickle is a one-line error too.
 * The result uses `Map` for dicts (insertion order kept), arrays for lists and tuples,
 * `Uint8Array` for bytes, `number` (or `bigint` beyond 2^53) for integers, and
 * {@linkcode NdArray} for numpy arrays.
 *
 * @example
 * ```ts
 * import { readPickle } from "./pickle_reader.ts";
 * const dict = readPickle(await Deno.readFile("model.pdparams"), "model.pdparams") as Map<string, unknown>;
 * ```
 * @module
 */
import { PaddleCheckpointError } from "./errors.ts";
import { type DTypeCode, DTYPES, isDTypeCode, type NdArray, ndarray, sizeOf } from "./ndarray.ts";

/** A refused or unreadable pickle: names the file and what was found. */
export class PickleError extends PaddleCheckpointError {
  override name = "PickleError";
}

/** A value of a safe pickle. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | Map<PyValue, PyValue>
  | NdArray;

/** The globals a Paddle checkpoint may name, and what each stands for here. */
const GLOBALS: Record<string, string> = {
  "numpy.core.multiarray._reconstruct": "reconstruct",
  "numpy._core.multiarray._reconstruct": "reconstruct",
  "numpy.ndarray": "ndarray",
  "numpy.dtype": "dtype",
  "numpy.core.multiarray.scalar": "scalar",
  "numpy._core.multiarray.scalar": "scalar",
  "_codecs.encode": "encode",
  "__builtin__.bytes": "bytes",
  "builtins.bytes": "bytes",
  "collections.OrderedDict": "odict",
};

/** The opcodes a Paddle checkpoint may contain, by byte. */
const OPS: Record<number, string> = {
  0x80: "PROTO",
  0x95: "FRAME",
  0x2e: "STOP",
  0x28: "MARK",
  0x30: "POP",
  0x31: "POP_MARK",
  0x4e: "NONE",
  0x88: "NEWTRUE",
  0x89: "NEWFALSE",
  0x4a: "BININT",
  0x4b: "BININT1",
  0x4d: "BININT2",
  0x8a: "LONG1",
  0x8b: "LONG4",
  0x47: "BINFLOAT",
  0x58: "BINUNICODE",
  0x8c: "SHORT_BINUNICODE",
  0x8d: "BINUNICODE8",
  0x55: "SHORT_BINSTRING",
  0x54: "BINSTRING",
  0x42: "BINBYTES",
  0x43: "SHORT_BINBYTES",
  0x8e: "BINBYTES8",
  0x29: "EMPTY_TUPLE",
  0x85: "TUPLE1",
  0x86: "TUPLE2",
  0x87: "TUPLE3",
  0x74: "TUPLE",
  0x5d: "EMPTY_LIST",
  0x6c: "LIST",
  0x61: "APPEND",
  0x65: "APPENDS",
  0x7d: "EMPTY_DICT",
  0x64: "DICT",
  0x73: "SETITEM",
  0x75: "SETITEMS",
  0x71: "BINPUT",
  0x72: "LONG_BINPUT",
  0x94: "MEMOIZE",
  0x68: "BINGET",
  0x6a: "LONG_BINGET",
  0x63: "GLOBAL",
  0x93: "STACK_GLOBAL",
  0x52: "REDUCE",
  0x62: "BUILD",
};

/** Names of opcodes that are refused, for the error message. */
const REFUSED: Record<number, string> = {
  0x49: "INT",
  0x4c: "LONG",
  0x46: "FLOAT",
  0x53: "STRING",
  0x56: "UNICODE",
  0x50: "PERSID",
  0x51: "BINPERSID",
  0x69: "INST",
  0x6f: "OBJ",
  0x81: "NEWOBJ",
  0x92: "NEWOBJ_EX",
  0x82: "EXT1",
  0x83: "EXT2",
  0x84: "EXT4",
  0x8f: "EMPTY_SET",
  0x90: "ADDITEMS",
  0x91: "FROZENSET",
  0x96: "BYTEARRAY8",
  0x97: "NEXT_BUFFER",
  0x98: "READONLY_BUFFER",
  0x32: "DUP",
  0x67: "GET",
  0x70: "PUT",
};

const MARK = Symbol("mark");
/** A global the reader knows, on the stack. */
class Global {
  constructor(readonly role: string, readonly qualname: string) {}
}
/** `numpy.dtype(code)` before its BUILD (byte order). */
class DType {
  order = "|";
  constructor(readonly code: DTypeCode) {}
}
/** `_reconstruct(ndarray, (0,), b"b")` before its BUILD. */
class PendingArray {}

type Item = PyValue | Global | DType | PendingArray | typeof MARK;

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** Reads one pickle; see the module documentation. `file` names the source in errors. */
export function readPickle(bytes: Uint8Array, file: string): PyValue {
  // A plain Uint8Array view: a Node Buffer's slice() would share memory instead of copying.
  return new Unpickler(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file).run();
}

class Unpickler {
  #pos = 0;
  #op = "";
  #opAt = 0;
  readonly #stack: Item[] = [];
  readonly #marks: number[] = [];
  readonly #memo = new Map<number, Item>();
  readonly #view: DataView;

  constructor(readonly bytes: Uint8Array, readonly file: string) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #fail(msg: string): never {
    throw new PickleError(`${this.file}: ${msg}`);
  }

  #refuse(what: string, expected: string): never {
    this.#fail(
      `refused ${what} at byte ${this.#opAt}; expected ${expected} (a Paddle checkpoint holds only ` +
        `numpy arrays, numbers and strings, so nothing in it is run)`,
    );
  }

  #need(n: number): void {
    if (this.#pos + n > this.bytes.length) {
      this.#fail(
        `truncated: ${this.#op} at byte ${this.#opAt} needs ${n} more bytes but the file ends at byte ` +
          `${this.bytes.length} (an interrupted download or copy?)`,
      );
    }
  }

  #u8(): number {
    this.#need(1);
    return this.bytes[this.#pos++];
  }

  #u16(): number {
    this.#need(2);
    const v = this.#view.getUint16(this.#pos, true);
    this.#pos += 2;
    return v;
  }

  #u32(): number {
    this.#need(4);
    const v = this.#view.getUint32(this.#pos, true);
    this.#pos += 4;
    return v;
  }

  #u64(): number {
    this.#need(8);
    const v = this.#view.getBigUint64(this.#pos, true);
    this.#pos += 8;
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
      this.#fail(`${this.#op} at byte ${this.#opAt}: length ${v} too large`);
    }
    return Number(v);
  }

  #take(n: number): Uint8Array {
    this.#need(n);
    const out = this.bytes.subarray(this.#pos, this.#pos + n);
    this.#pos += n;
    return out;
  }

  #line(): string {
    const end = this.bytes.indexOf(0x0a, this.#pos);
    if (end < 0) this.#need(this.bytes.length - this.#pos + 1);
    const s = String.fromCharCode(...this.bytes.subarray(this.#pos, end));
    this.#pos = end + 1;
    return s;
  }

  #str(n: number): string {
    try {
      return utf8.decode(this.#take(n));
    } catch (e) {
      if (e instanceof PickleError) throw e;
      return this.#fail(`${this.#op} at byte ${this.#opAt}: invalid UTF-8 text`);
    }
  }

  #pop(): Item {
    if (this.#stack.length === 0 || (this.#marks.length && this.#stack.length <= this.#marks.at(-1)!)) {
      this.#fail(`malformed pickle: ${this.#op} at byte ${this.#opAt} pops an empty stack`);
    }
    return this.#stack.pop()!;
  }

  #top(): Item {
    if (this.#stack.length === 0) {
      this.#fail(`malformed pickle: ${this.#op} at byte ${this.#opAt} on an empty stack`);
    }
    return this.#stack[this.#stack.length - 1];
  }

  #popMark(): Item[] {
    const m = this.#marks.pop();
    if (m === undefined) this.#fail(`malformed pickle: ${this.#op} at byte ${this.#opAt} without a MARK`);
    const items = this.#stack.splice(m);
    return items;
  }

  #value(x: Item, what: string): PyValue {
    if (x instanceof Global || x instanceof DType || x instanceof PendingArray || x === MARK) {
      this.#refuse(`${describe(x)} used as ${what}`, "a plain value");
    }
    return x as PyValue;
  }

  run(): PyValue {
    if (this.bytes.length === 0) this.#fail("empty file; expected a Paddle checkpoint (a Python pickle)");
    if (this.bytes[0] !== 0x80) {
      const zip = this.bytes[0] === 0x50 && this.bytes[1] === 0x4b;
      this.#fail(
        `not a Paddle checkpoint: a .pdparams/.pdopt file is a Python pickle starting with byte 0x80, this one ` +
          `starts with 0x${this.bytes[0].toString(16).padStart(2, "0")}` +
          (zip ? " (a zip archive: a PyTorch checkpoint or a .tar/.zip that must be unpacked first?)" : ""),
      );
    }
    for (;;) {
      this.#opAt = this.#pos;
      const code = this.#u8();
      const op = OPS[code];
      if (!op) {
        this.#op = REFUSED[code] ?? `0x${code.toString(16)}`;
        this.#refuse(
          `opcode ${this.#op} (0x${code.toString(16).padStart(2, "0")})`,
          "one of the data opcodes of pickle protocols 2-4",
        );
      }
      this.#op = op;
      if (op === "STOP") break;
      this.#step(op);
    }
    if (this.#stack.length !== 1 || this.#marks.length) {
      this.#fail(`malformed pickle: ${this.#stack.length} values left at STOP`);
    }
    return this.#value(this.#stack[0], "the checkpoint");
  }

  #step(op: string): void {
    const s = this.#stack;
    switch (op) {
      case "PROTO": {
        const p = this.#u8();
        if (p < 2 || p > 5) {
          this.#refuse(`pickle protocol ${p}`, "protocol 2, 3 or 4 (what paddle.save writes)");
        }
        return;
      }
      case "FRAME":
        this.#u64();
        return;
      case "MARK":
        this.#marks.push(s.length);
        return;
      case "POP":
        this.#pop();
        return;
      case "POP_MARK":
        this.#popMark();
        return;
      case "NONE":
        s.push(null);
        return;
      case "NEWTRUE":
        s.push(true);
        return;
      case "NEWFALSE":
        s.push(false);
        return;
      case "BININT":
        this.#need(4);
        s.push(this.#view.getInt32(this.#pos, true));
        this.#pos += 4;
        return;
      case "BININT1":
        s.push(this.#u8());
        return;
      case "BININT2":
        s.push(this.#u16());
        return;
      case "LONG1":
        s.push(this.#long(this.#u8()));
        return;
      case "LONG4":
        s.push(this.#long(this.#u32()));
        return;
      case "BINFLOAT":
        this.#need(8);
        s.push(this.#view.getFloat64(this.#pos, false));
        this.#pos += 8;
        return;
      case "BINUNICODE":
        s.push(this.#str(this.#u32()));
        return;
      case "SHORT_BINUNICODE":
        s.push(this.#str(this.#u8()));
        return;
      case "BINUNICODE8":
        s.push(this.#str(this.#u64()));
        return;
      case "SHORT_BINSTRING":
      case "BINSTRING": {
        // Python 2 `str`: read as Latin-1 text, as Python 3's unpickler does with encoding="latin1".
        const b = this.#take(op === "BINSTRING" ? this.#u32() : this.#u8());
        s.push(latin1(b));
        return;
      }
      case "BINBYTES":
        s.push(this.#take(this.#u32()));
        return;
      case "SHORT_BINBYTES":
        s.push(this.#take(this.#u8()));
        return;
      case "BINBYTES8":
        s.push(this.#take(this.#u64()));
        return;
      case "EMPTY_TUPLE":
      case "EMPTY_LIST":
        s.push([]);
        return;
      case "TUPLE1":
      case "TUPLE2":
      case "TUPLE3": {
        const n = op === "TUPLE1" ? 1 : op === "TUPLE2" ? 2 : 3;
        const items: Item[] = [];
        for (let i = 0; i < n; i++) items.unshift(this.#pop());
        s.push(items as PyValue[]);
        return;
      }
      case "TUPLE":
      case "LIST":
        s.push(this.#popMark() as PyValue[]);
        return;
      case "APPEND": {
        const v = this.#value(this.#pop(), "a list item");
        this.#list().push(v);
        return;
      }
      case "APPENDS": {
        const items = this.#popMark().map((v) => this.#value(v, "a list item"));
        this.#list().push(...items);
        return;
      }
      case "EMPTY_DICT":
        s.push(new Map());
        return;
      case "DICT": {
        const items = this.#popMark();
        const d = new Map<PyValue, PyValue>();
        this.#setItems(d, items);
        s.push(d);
        return;
      }
      case "SETITEM": {
        const v = this.#pop(), k = this.#pop();
        this.#setItems(this.#dict(), [k, v]);
        return;
      }
      case "SETITEMS": {
        const items = this.#popMark();
        this.#setItems(this.#dict(), items);
        return;
      }
      case "BINPUT":
        this.#memo.set(this.#u8(), this.#top());
        return;
      case "LONG_BINPUT":
        this.#memo.set(this.#u32(), this.#top());
        return;
      case "MEMOIZE":
        this.#memo.set(this.#memo.size, this.#top());
        return;
      case "BINGET":
      case "LONG_BINGET": {
        const i = op === "BINGET" ? this.#u8() : this.#u32();
        if (!this.#memo.has(i)) {
          this.#fail(`malformed pickle: ${op} at byte ${this.#opAt} reads memo ${i}, never set`);
        }
        s.push(this.#memo.get(i)!);
        return;
      }
      case "GLOBAL":
        s.push(this.#global(this.#line(), this.#line()));
        return;
      case "STACK_GLOBAL": {
        const name = this.#pop(), module = this.#pop();
        if (typeof module !== "string" || typeof name !== "string") {
          this.#refuse("STACK_GLOBAL with non-string names", "a module and a name");
        }
        s.push(this.#global(module, name));
        return;
      }
      case "REDUCE": {
        const args = this.#pop(), fn = this.#pop();
        s.push(this.#reduce(fn, args));
        return;
      }
      case "BUILD": {
        const state = this.#pop();
        this.#build(this.#top(), state);
        return;
      }
    }
  }

  #long(n: number): number | bigint {
    if (n > 64) this.#refuse(`an integer of ${n} bytes`, "an integer of at most 64 bytes");
    const b = this.#take(n);
    if (n === 0) return 0;
    let v = 0n;
    for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
    if (b[n - 1] & 0x80) v -= 1n << BigInt(8 * n);
    return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
  }

  #list(): PyValue[] {
    const l = this.#top();
    if (!Array.isArray(l)) {
      this.#fail(`malformed pickle: ${this.#op} at byte ${this.#opAt} on a ${describe(l)}`);
    }
    return l as PyValue[];
  }

  #dict(): Map<PyValue, PyValue> {
    const d = this.#top();
    if (!(d instanceof Map)) {
      this.#fail(`malformed pickle: ${this.#op} at byte ${this.#opAt} on a ${describe(d)}`);
    }
    return d;
  }

  #setItems(d: Map<PyValue, PyValue>, items: Item[]): void {
    if (items.length % 2) {
      this.#fail(`malformed pickle: ${this.#op} at byte ${this.#opAt} with an odd item count`);
    }
    for (let i = 0; i < items.length; i += 2) {
      const k = this.#value(items[i], "a dict key");
      if (k !== null && typeof k === "object") {
        this.#refuse(`a ${describe(k)} as a dict key`, "a string or number key");
      }
      d.set(k, this.#value(items[i + 1], "a dict value"));
    }
  }

  #global(module: string, name: string): Global {
    const q = `${module}.${name}`;
    const role = Object.hasOwn(GLOBALS, q) ? GLOBALS[q] : undefined;
    if (!role) this.#refuse(`global ${q}`, `one of ${Object.keys(GLOBALS).join(", ")}`);
    return new Global(role, q);
  }

  #reduce(fn: Item, argsItem: Item): Item {
    if (!(fn instanceof Global)) this.#refuse(`a call of a ${describe(fn)}`, "a call of an allowed global");
    if (!Array.isArray(argsItem)) {
      this.#refuse(`${fn.qualname} called with ${describe(argsItem)}`, "an argument tuple");
    }
    const args = argsItem as Item[];
    const bad = (expected: string): never =>
      this.#refuse(`${fn.qualname}(${args.map(describe).join(", ")})`, expected);
    switch (fn.role) {
      case "reconstruct": {
        const [cls, shape, tag] = args;
        if (
          args.length !== 3 || !(cls instanceof Global) || cls.role !== "ndarray" || !Array.isArray(shape)
        ) {
          bad("_reconstruct(numpy.ndarray, (0,), b'b')");
        }
        void tag;
        return new PendingArray();
      }
      case "dtype": {
        const code = args[0];
        if (typeof code !== "string" || !isDTypeCode(code)) {
          bad(`numpy.dtype of one of ${Object.keys(DTYPES).join(", ")}`);
        }
        return new DType(code as DTypeCode);
      }
      case "encode": {
        const [text, enc] = args;
        if (typeof text !== "string" || (enc !== "latin1" && enc !== "latin-1")) {
          bad(`_codecs.encode(str, "latin1")`);
        }
        return latin1Bytes(text as string, () => bad("Latin-1 text"));
      }
      case "bytes":
        if (args.length !== 0) bad("bytes() (empty bytes)");
        return new Uint8Array(0);
      case "scalar": {
        const [dt, raw] = args;
        if (!(dt instanceof DType) || !(raw instanceof Uint8Array)) bad("scalar(numpy.dtype, bytes)");
        const a = this.#array(dt as DType, [], raw as Uint8Array);
        const v = a.data[0];
        return typeof v === "bigint" && v >= BigInt(Number.MIN_SAFE_INTEGER) &&
            v <= BigInt(Number.MAX_SAFE_INTEGER)
          ? Number(v)
          : v;
      }
      case "odict": {
        const d = new Map<PyValue, PyValue>();
        if (args.length === 1 && Array.isArray(args[0])) {
          for (const pair of args[0] as Item[]) {
            if (!Array.isArray(pair) || pair.length !== 2) bad("OrderedDict([(key, value), …])");
            this.#setItems(d, pair as Item[]);
          }
        } else if (args.length !== 0) bad("OrderedDict() or OrderedDict([(key, value), …])");
        return d;
      }
      default:
        return bad("a call of numpy's _reconstruct, dtype or scalar, _codecs.encode or OrderedDict");
    }
  }

  #build(target: Item, state: Item): void {
    if (target instanceof DType) {
      if (!Array.isArray(state) || state.length < 8 || typeof state[1] !== "string") {
        this.#refuse(`numpy.dtype state ${describe(state)}`, "(3, byte order, None, None, None, -1, -1, 0)");
      }
      const order = (state as Item[])[1] as string;
      if (!["<", "|", "=", ">"].includes(order)) this.#refuse(`byte order "${order}"`, "<, >, = or |");
      if ((state as Item[])[2] !== null || (state as Item[])[3] !== null) {
        this.#refuse("a structured numpy dtype", "a plain numeric dtype");
      }
      target.order = order;
      return;
    }
    if (target instanceof PendingArray) {
      const st = state as Item[];
      if (!Array.isArray(st) || st.length !== 5 || !Array.isArray(st[1]) || !(st[2] instanceof DType)) {
        this.#refuse(`ndarray state ${describe(state)}`, "(1, shape, dtype, is_fortran, raw bytes)");
      }
      const shape = st[1] as Item[];
      if (!shape.every((d) => typeof d === "number" && Number.isInteger(d) && d >= 0)) {
        this.#refuse(`ndarray shape ${describe(st[1])}`, "a tuple of non-negative integers");
      }
      if (!(st[4] instanceof Uint8Array)) {
        this.#refuse(`ndarray data ${describe(st[4])} (an object array?)`, "raw bytes of a numeric array");
      }
      const dims = shape as number[];
      const a = this.#array(st[2] as DType, dims, st[4] as Uint8Array);
      this.#stack[this.#stack.length - 1] = st[3] === true && dims.length > 1 ? fortranToC(a) : a;
      return;
    }
    if (target instanceof Map && state === null) return;
    this.#refuse(`BUILD on a ${describe(target)}`, "BUILD on a numpy array or dtype");
  }

  #array(dt: DType, shape: number[], raw: Uint8Array): NdArray {
    const info = DTYPES[dt.code];
    const n = sizeOf(shape);
    if (raw.length !== n * info.bytes) {
      this.#fail(
        `ndarray ${info.name}[${shape}] at byte ${this.#opAt} has ${raw.length} bytes of data, expected ${
          n * info.bytes
        } (a damaged file?)`,
      );
    }
    const copy = raw.slice(); // aligned, and independent of the file's buffer
    if (dt.order === ">" && info.bytes > 1) {
      for (let i = 0; i < copy.length; i += info.bytes) copy.subarray(i, i + info.bytes).reverse();
    }
    return ndarray(dt.code, shape, new info.array(copy.buffer, 0, n));
  }
}

function fortranToC(a: NdArray): NdArray {
  const shape = a.shape, n = a.data.length, rank = shape.length;
  const out = new (a.data.constructor as new (n: number) => typeof a.data)(n);
  const idx = new Array(rank).fill(0);
  for (let c = 0; c < n; c++) {
    // c walks C order; f is the Fortran offset of the same index.
    let f = 0;
    for (let d = rank - 1; d >= 0; d--) f = f * shape[d] + idx[d];
    (out as unknown as number[])[c] = (a.data as unknown as number[])[f];
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
  return ndarray(a.dtype, shape, out);
}

function latin1(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}

function latin1Bytes(s: string, bad: () => never): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) bad();
    out[i] = c;
  }
  return out;
}

function describe(x: unknown): string {
  if (x === MARK) return "MARK";
  if (x instanceof Global) return x.qualname;
  if (x instanceof DType) return `dtype(${x.code})`;
  if (x instanceof PendingArray) return "ndarray";
  if (x === null) return "None";
  if (x instanceof Uint8Array) return `bytes[${x.length}]`;
  if (x instanceof Map) return "dict";
  if (Array.isArray(x)) return `(${x.slice(0, 4).map(describe).join(", ")}${x.length > 4 ? ", …" : ""})`;
  if (typeof x === "string") return JSON.stringify(x.length > 20 ? `${x.slice(0, 20)}…` : x);
  if (typeof x === "object" && (x as NdArray).kind === "ndarray") return `ndarray[${(x as NdArray).shape}]`;
  return String(x);
}
