/** The minimal WebAssembly writer: LEB128 encodings and a module that validates and runs. */
import assert from "node:assert/strict";
import { ModuleBuilder, sleb, uleb } from "../../../../lib/backend/wasm/simd/assembler.ts";

Deno.test("LEB128 encodings match the WebAssembly spec's examples", () => {
  assert.deepEqual(uleb(0), [0]);
  assert.deepEqual(uleb(127), [0x7f]);
  assert.deepEqual(uleb(128), [0x80, 0x01]);
  assert.deepEqual(uleb(624485), [0xe5, 0x8e, 0x26]);
  assert.deepEqual(sleb(-1), [0x7f]);
  assert.deepEqual(sleb(63), [0x3f]);
  assert.deepEqual(sleb(64), [0xc0, 0x00]);
  assert.deepEqual(sleb(-123456), [0xc0, 0xbb, 0x78]);
});

Deno.test("an assembled module with locals, loops and SIMD runs on an imported memory", () => {
  const m = new ModuleBuilder();
  const f = m.func("scale", ["i32", "i32", "f32"]); // (ptr, bytes, k): x *= k, 4 at a time
  const i = f.local("i32");
  f.i32(0).set(i);
  f.forRange(i, 1, 16, () => {
    f.get(0).get(i).add();
    f.get(0).get(i).add().v128Load().get(2).f32x4Splat().f32x4Mul();
    f.v128Store();
  });
  const bytes = m.build({ shared: false });
  assert.ok(WebAssembly.validate(bytes as BufferSource));
  const memory = new WebAssembly.Memory({ initial: 1 });
  const { scale } = new WebAssembly.Instance(new WebAssembly.Module(bytes as BufferSource), {
    env: { memory },
  })
    .exports as { scale(p: number, n: number, k: number): void };
  const view = new Float32Array(memory.buffer, 64, 12);
  view.set([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  scale(64, 32, 0.5); // the first 8 floats only
  assert.deepEqual(Array.from(view), [0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 9, 10, 11, 12]);
  const shared = m.build({ shared: true });
  const sharedMemory = new WebAssembly.Memory({ initial: 1, maximum: 16, shared: true });
  assert.ok(
    new WebAssembly.Instance(new WebAssembly.Module(shared as BufferSource), {
      env: { memory: sharedMemory },
    }),
  );
});
