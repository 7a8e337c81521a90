/**
 * A minimal WebAssembly binary writer — just enough to emit SIMD loops that run directly on the
 * wasm backend's heap (its `WebAssembly.Memory` is imported). No toolchain is needed at install
 * or run time: the module is assembled from this description when first used.
 *
 * @example
 * ```ts
 * const m = new ModuleBuilder();
 * const f = m.func("double", ["i32", "i32"]); // (ptr, n)
 * // … f.emit(…) instructions …
 * const bytes = m.build({ shared: false });
 * ```
 * @module
 */

/** Value types used here. */
export type ValType = "i32" | "f32" | "f64" | "v128";
const TYPE: Record<ValType, number> = { i32: 0x7f, f32: 0x7d, f64: 0x7c, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  n |= 0;
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function str(s: string): number[] {
  const b = new TextEncoder().encode(s);
  return [...uleb(b.length), ...b];
}

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

/** Memory access immediates: alignment (log2 bytes) and offset. */
function memarg(align: number, offset = 0): number[] {
  return [...uleb(align), ...uleb(offset)];
}

/** A function body under construction; instructions are appended with the helpers. */
export class FuncBuilder {
  readonly code: number[] = [];
  readonly locals: ValType[] = [];
  constructor(readonly name: string, readonly params: ValType[]) {}

  /** Declares a local; returns its index. */
  local(t: ValType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }
  private b(...bytes: number[]): this {
    this.code.push(...bytes);
    return this;
  }
  private simd(op: number, ...imm: number[]): this {
    return this.b(0xfd, ...uleb(op), ...imm);
  }

  get(i: number) {
    return this.b(0x20, ...uleb(i));
  }
  set(i: number) {
    return this.b(0x21, ...uleb(i));
  }
  tee(i: number) {
    return this.b(0x22, ...uleb(i));
  }
  i32(v: number) {
    return this.b(0x41, ...sleb(v));
  }
  f32(v: number) {
    const a = new Uint8Array(new Float32Array([v]).buffer);
    return this.b(0x43, ...a);
  }
  // i32 arithmetic / comparison
  add() {
    return this.b(0x6a);
  }
  sub() {
    return this.b(0x6b);
  }
  mul() {
    return this.b(0x6c);
  }
  shl() {
    return this.b(0x74);
  }
  shrU() {
    return this.b(0x76);
  }
  ltU() {
    return this.b(0x49);
  }
  ltS() {
    return this.b(0x48);
  }
  gtS() {
    return this.b(0x4a);
  }
  divU() {
    return this.b(0x6e);
  }
  remU() {
    return this.b(0x70);
  }
  /** `select`: pops a, b, cond; pushes cond ? a : b. */
  select() {
    return this.b(0x1b);
  }
  eq() {
    return this.b(0x46);
  }
  eqz() {
    return this.b(0x45);
  }
  // scalar memory
  f32Load(offset = 0) {
    return this.b(0x2a, ...memarg(2, offset));
  }
  f32Store(offset = 0) {
    return this.b(0x38, ...memarg(2, offset));
  }
  i32Load(offset = 0) {
    return this.b(0x28, ...memarg(2, offset));
  }
  f32Mul() {
    return this.b(0x94);
  }
  /** `memory.fill` (bulk memory): pops dst, value, n (bytes). */
  memoryFill() {
    return this.b(0xfc, ...uleb(11), 0x00);
  }
  and() {
    return this.b(0x71);
  }
  f32Const0() {
    return this.f32(0);
  }
  // control: block/loop/if with no result
  if_() {
    return this.b(0x04, 0x40);
  }
  else_() {
    return this.b(0x05);
  }
  block() {
    return this.b(0x02, 0x40);
  }
  loop() {
    return this.b(0x03, 0x40);
  }
  br(depth: number) {
    return this.b(0x0c, ...uleb(depth));
  }
  brIf(depth: number) {
    return this.b(0x0d, ...uleb(depth));
  }
  end() {
    return this.b(0x0b);
  }
  /** `memory.copy` (bulk memory): pops dst, src, n (bytes). */
  memoryCopy() {
    return this.b(0xfc, ...uleb(10), 0x00, 0x00);
  }
  // SIMD
  v128Load(offset = 0) {
    return this.simd(0x00, ...memarg(4, offset));
  }
  v128Store(offset = 0) {
    return this.simd(0x0b, ...memarg(4, offset));
  }
  /** `v128.load32_splat`: one float from memory in all four lanes. */
  v128Load32Splat(offset = 0) {
    return this.simd(0x09, ...memarg(2, offset));
  }
  f32x4Splat() {
    return this.simd(0x13);
  }
  f32x4Gt() {
    return this.simd(0x44);
  }
  f32x4Ge() {
    return this.simd(0x46);
  }
  v128AndNot() {
    return this.simd(0x4f);
  }
  v128Bitselect() {
    return this.simd(0x52);
  }
  v128And() {
    return this.simd(0x4e);
  }
  f32x4Add() {
    return this.simd(0xe4);
  }
  f32x4Sub() {
    return this.simd(0xe5);
  }
  f32x4Mul() {
    return this.simd(0xe6);
  }
  /** `f32x4.relaxed_madd` (relaxed SIMD): pops a, b, c; pushes a·b + c, fused where the CPU can. */
  f32x4RelaxedMadd() {
    return this.simd(0x105);
  }
  f32x4Div() {
    return this.simd(0xe7);
  }
  f32x4Sqrt() {
    return this.simd(0xe3);
  }
  /** `f32x4.pmin`: pops a, b; pushes `b < a ? b : a` per lane (one instruction; keeps a NaN `a`). */
  f32x4Pmin() {
    return this.simd(0xea);
  }
  /** `f32x4.pmax`: pops a, b; pushes `a < b ? b : a` per lane (one instruction; keeps a NaN `a`). */
  f32x4Pmax() {
    return this.simd(0xeb);
  }
  i32x4Splat() {
    return this.simd(0x11);
  }
  i32x4Add() {
    return this.simd(0xae);
  }
  i32x4Sub() {
    return this.simd(0xb1);
  }
  /** `i32x4.shl`: pops a vector and an i32 shift. */
  i32x4Shl() {
    return this.simd(0xab);
  }
  /** `i32x4.shr_s`: pops a vector and an i32 shift. */
  i32x4ShrS() {
    return this.simd(0xac);
  }
  f32x4Max() {
    return this.simd(0xe9);
  }
  f64x2Add() {
    return this.simd(0xf0);
  }
  f64x2Mul() {
    return this.simd(0xf2);
  }
  f64x2PromoteLow() {
    return this.simd(0x5f);
  }
  /** `v128.load64_zero`: two floats into lanes 0–1, zeros above. */
  v128Load64Zero(offset = 0) {
    return this.simd(0x5d, ...memarg(3, offset));
  }
  f64x2Sub() {
    return this.simd(0xf1);
  }
  f64x2Splat() {
    return this.simd(0x14);
  }
  /** `f64x2.replace_lane`: pops a vector and an f64; pushes the vector with lane `lane` replaced. */
  f64x2ReplaceLane(lane: 0 | 1) {
    return this.simd(0x22, lane);
  }
  /** `f32x4.demote_f64x2_zero`: the two doubles rounded to floats in lanes 0–1, zeros in 2–3. */
  f32x4DemoteF64x2Zero() {
    return this.simd(0x5e);
  }
  /** `v128.store64_lane`: pops an address and a vector; stores 64-bit lane `lane` (two floats). */
  v128Store64Lane(lane: 0 | 1, offset = 0) {
    return this.simd(0x5b, ...memarg(3, offset), lane);
  }
  /** `f64.promote_f32`. */
  f64PromoteF32() {
    return this.b(0xbb);
  }
  f64(v: number) {
    const a = new Uint8Array(new Float64Array([v]).buffer);
    return this.b(0x44, ...a);
  }
  /** `i8x16.shuffle`: pops a, b; pushes the 16 bytes `lanes` picks from a (0–15) and b (16–31). */
  i8x16Shuffle(lanes: number[]) {
    return this.simd(0x0d, ...lanes);
  }
  /** `f32x4.extract_lane`. */
  f32x4ExtractLane(lane: number) {
    return this.simd(0x1f, lane);
  }
  /** Pushes local `v` (an f32x4) with lanes 2–3 moved to lanes 0–1 (`i8x16.shuffle` of v with itself). */
  highHalfOf(v: number) {
    this.get(v).get(v);
    return this.simd(0x0d, 8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
  }

  /**
   * `for (; i < end; i += step) body()`: `i` and `end` are locals, `step` a constant or
   * `{ local }`; `body` emits the loop body.
   */
  forRange(i: number, end: number, step: number | { local: number }, body: () => void): this {
    this.block().loop();
    this.get(i).get(end).ltU().eqz().brIf(1);
    body();
    this.get(i);
    if (typeof step === "number") this.i32(step);
    else this.get(step.local);
    this.add().set(i);
    this.br(0).end().end();
    return this;
  }

  /** The encoded body: runs of equal local types, then the code. */
  encode(): number[] {
    const runs: [number, ValType][] = [];
    for (const t of this.locals) {
      if (runs.length && runs[runs.length - 1][1] === t) runs[runs.length - 1][0]++;
      else runs.push([1, t]);
    }
    const body = [
      ...uleb(runs.length),
      ...runs.flatMap(([n, t]) => [...uleb(n), TYPE[t]]),
      ...this.code,
      0x0b,
    ];
    return [...uleb(body.length), ...body];
  }
}

/** A module with one imported memory (`env.memory`) and exported void functions. */
export class ModuleBuilder {
  readonly funcs: FuncBuilder[] = [];

  /** Starts a function `name(params) → void`, exported under its name. */
  func(name: string, params: ValType[]): FuncBuilder {
    const f = new FuncBuilder(name, params);
    this.funcs.push(f);
    return f;
  }

  /** The module's bytes; `shared` must match the memory it will import. */
  build(memory: { shared: boolean }): Uint8Array {
    const types: number[] = [...uleb(this.funcs.length)];
    for (const f of this.funcs) {
      types.push(
        0x60,
        ...uleb(f.params.length),
        ...f.params.map((p) => TYPE[p]),
        0x00,
      );
    }
    // Shared memory needs a maximum: 65536 pages (4 GiB), which admits any wasm32 memory.
    const limits = memory.shared ? [0x03, ...uleb(0), ...uleb(65536)] : [0x00, ...uleb(0)];
    const imports = [...uleb(1), ...str("env"), ...str("memory"), 0x02, ...limits];
    const funcs = [...uleb(this.funcs.length), ...this.funcs.map((_, i) => uleb(i)).flat()];
    const exports = [
      ...uleb(this.funcs.length),
      ...this.funcs.flatMap((f, i) => [...str(f.name), 0x00, ...uleb(i)]),
    ];
    const code = [...uleb(this.funcs.length), ...this.funcs.flatMap((f) => f.encode())];
    return new Uint8Array([
      0x00,
      0x61,
      0x73,
      0x6d,
      0x01,
      0x00,
      0x00,
      0x00,
      ...section(1, types),
      ...section(2, imports),
      ...section(3, funcs),
      ...section(7, exports),
      ...section(10, code),
    ]);
  }
}
