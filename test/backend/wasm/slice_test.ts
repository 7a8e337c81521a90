/** seglab's wasm `Slice` (reads the heap in place; strided row copies) against the cpu backend, for float32, int32 and bool. */
import { tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";

const cases: [string, () => tf.Tensor[]][] = [
  ["slice 4-D inner box", () => [tf.slice(randTensor([3, 5, 6, 7], 1), [1, 2, 0, 3], [2, 2, 6, 4])]],
  ["slice 4-D channels", () => [tf.slice(randTensor([2, 4, 4, 9], 2), [0, 0, 0, 5], [-1, -1, -1, 4])]],
  ["slice rows (contiguous)", () => [tf.slice(randTensor([6, 5], 3), [2, 0], [3, 5])]],
  ["slice 5-D", () => [tf.slice(randTensor([2, 3, 4, 5, 6], 4), [1, 1, 1, 1, 1], [1, 2, 3, 3, 5])]],
  ["slice 1-D", () => [tf.slice(randTensor([17], 5), [3], [9])]],
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
];

for (const [name, f] of cases) {
  Deno.test(`wasm Slice matches cpu: ${name}`, async () => {
    await assertWasmMatchesCpu(name, f, 0, 0);
  });
}
