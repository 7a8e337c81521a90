/** seglab's wasm `SplitV` (the gradient of concat) against the cpu backend. */
import { tf } from "../../../lib/mod.ts";
import { assertWasmMatchesCpu, randTensor } from "../_compare.ts";

const cases: [string, () => tf.Tensor[]][] = [
  ["split channels (concat gradient)", () => tf.split(randTensor([2, 5, 6, 48], 6), [32, 16], 3)],
  ["split axis 1 in 3", () => tf.split(randTensor([4, 9, 3], 7), 3, 1)],
  ["concat/split gradients", () => {
    const a = randTensor([2, 4, 4, 3], 17),
      b = randTensor([2, 4, 4, 5], 18),
      r = randTensor([2, 4, 4, 8], 19);
    return tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.sum(tf.mul(tf.concat([x, y], 3), r)))([a, b]);
  }],
];

for (const [name, f] of cases) {
  Deno.test(`wasm SplitV matches cpu: ${name}`, async () => {
    await assertWasmMatchesCpu(name, f, 0, 0);
  });
}
