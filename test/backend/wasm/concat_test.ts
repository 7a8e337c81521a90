/** seglab's wasm `Concat` (one strided copy per input) against the cpu backend. */
import { tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";

const cases: [string, () => tf.Tensor[]][] = [
  ["concat channels", () => [tf.concat([randTensor([2, 5, 6, 32], 8), randTensor([2, 5, 6, 16], 9)], 3)]],
  [
    "concat axis 0 and 1",
    () => [
      tf.concat([randTensor([2, 3], 10), randTensor([1, 3], 11)], 0),
      tf.concat([randTensor([2, 3, 2], 12), randTensor([2, 1, 2], 13), randTensor([2, 4, 2], 14)], 1),
    ],
  ],
  ["concat with an empty part", () => [tf.concat([randTensor([2, 0, 3], 15), randTensor([2, 2, 3], 16)], 1)]],
];

for (const [name, f] of cases) {
  Deno.test(`wasm Concat matches cpu: ${name}`, async () => {
    await assertWasmMatchesCpu(name, f, 0, 0);
  });
}
