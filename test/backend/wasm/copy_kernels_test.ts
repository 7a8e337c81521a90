/**
 * seglab's wasm `Slice`, `SplitV`, `Concat` (in-place heap reads, short-run copies) and the
 * zero-copy `Identity`, against the cpu backend for float32, int32 and bool.
 */
import assert from "node:assert/strict";
import { ready, tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";

const cases: [string, () => tf.Tensor[]][] = [
  ["slice 4-D inner box", () => [tf.slice(randTensor([3, 5, 6, 7], 1), [1, 2, 0, 3], [2, 2, 6, 4])]],
  ["slice 4-D channels", () => [tf.slice(randTensor([2, 4, 4, 9], 2), [0, 0, 0, 5], [-1, -1, -1, 4])]],
  ["slice rows (contiguous)", () => [tf.slice(randTensor([6, 5], 3), [2, 0], [3, 5])]],
  ["slice 5-D", () => [tf.slice(randTensor([2, 3, 4, 5, 6], 4), [1, 1, 1, 1, 1], [1, 2, 3, 3, 5])]],
  ["slice 1-D", () => [tf.slice(randTensor([17], 5), [3], [9])]],
  ["split channels (concat gradient)", () => tf.split(randTensor([2, 5, 6, 48], 6), [32, 16], 3)],
  ["split axis 1 in 3", () => tf.split(randTensor([4, 9, 3], 7), 3, 1)],
  ["concat channels", () => [tf.concat([randTensor([2, 5, 6, 32], 8), randTensor([2, 5, 6, 16], 9)], 3)]],
  [
    "concat axis 0 and 1",
    () => [
      tf.concat([randTensor([2, 3], 10), randTensor([1, 3], 11)], 0),
      tf.concat([randTensor([2, 3, 2], 12), randTensor([2, 1, 2], 13), randTensor([2, 4, 2], 14)], 1),
    ],
  ],
  ["concat with an empty part", () => [tf.concat([randTensor([2, 0, 3], 15), randTensor([2, 2, 3], 16)], 1)]],
  ["int32 and bool", () => {
    const i = tf.tensor3d(Array.from({ length: 60 }, (_, k) => k - 30), [3, 4, 5], "int32");
    const b = tf.greater(i, 0);
    return [
      tf.cast(tf.slice(i, [1, 1, 1], [2, 2, 3]), "float32"),
      tf.cast(tf.concat([i, i], 2), "float32"),
      tf.cast(tf.concat([b, tf.logicalNot(b)], 1), "float32"),
      ...tf.split(b, [2, 3], 2).map((t) => tf.cast(t, "float32")),
    ];
  }],
  ["concat/split gradients", () => {
    const a = randTensor([2, 4, 4, 3], 17),
      b = randTensor([2, 4, 4, 5], 18),
      r = randTensor([2, 4, 4, 8], 19);
    return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.concat([x, y], 3), r)))([a, b]);
  }],
];
for (const [name, f] of cases) {
  Deno.test(`wasm copy kernels match cpu: ${name}`, async () => {
    await assertWasmMatchesCpu(name, f, 0, 0);
  });
}

for (const n of [4096, 4099]) {
  Deno.test(`wasm Relu (SIMD) matches cpu, ${n} values with NaN and ±0`, async () => {
    await assertWasmMatchesCpu(
      `relu ${n}`,
      () => {
        const v = randTensor([n], 30).arraySync() as number[];
        v[0] = NaN;
        v[1] = -0;
        v[n - 1] = NaN;
        v[n - 2] = -5;
        const y = tf.relu(tf.tensor1d(v));
        const nan = tf.isNaN(y);
        return [tf.where(nan, tf.fill([n], 999), y), tf.cast(nan, "float32")]; // NaN stays NaN
      },
      0,
      0,
    );
  });
}

Deno.test("wasm Identity (tf.clone, tensors saved for backprop) shares data instead of copying", async () => {
  await ready("wasm", { quiet: true });
  const x = randTensor([64, 64], 20);
  const backend = tf.backend() as unknown as { numDataIds(): number };
  const before = backend.numDataIds();
  const y = tf.clone(x);
  assert.equal(backend.numDataIds(), before, "no new backend data");
  assert.deepEqual(Array.from(y.dataSync()), Array.from(x.dataSync()));
  x.dispose();
  assert.equal(y.dataSync().length, 64 * 64, "the clone outlives the original");
  y.dispose();
  assert.equal(backend.numDataIds(), before - 1, "freed with its last reference");
});
