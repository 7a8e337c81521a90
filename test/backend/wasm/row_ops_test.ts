/**
 * `Sub`, `Multiply`, `Add` with a row-broadcast operand (last axis 1) and `Max` over the last axis
 * on `wasm` (`row_ops.ts`) equal the cpu backend exactly — either operand order, rows of 4–12
 * values, and shapes the SIMD path does not take (rows not a multiple of 4, other broadcasts,
 * other axes); NaN in a row gives NaN; the softmax cross entropy and its gradient agree with cpu.
 */
import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { onBackend, randTensor } from "../_compare.ts";

const SHAPES: [number[], number[]][] = [
  [[3, 5, 8], [3, 5, 1]],
  [[7, 4], [7, 1]],
  [[2, 3, 2, 12], [2, 3, 2, 1]],
  [[4, 6], [4, 1]], // rows of 6: the shipped kernel
  [[3, 8], [1, 8]], // another broadcast: the shipped kernel
];

for (const [big, small] of SHAPES) {
  Deno.test(`row-broadcast Sub, Multiply, Add on wasm equal cpu: ${big.join("x")} with ${small.join("x")}`, async () => {
    const ops = () => {
      const a = randTensor(big, 51), b = randTensor(small, 52);
      return [tf.sub(a, b), tf.sub(b, a), tf.mul(a, b), tf.mul(b, a), tf.add(a, b), tf.add(b, a)];
    };
    const cpu = await onBackend("cpu", ops), wasm = await onBackend("wasm", ops);
    wasm.forEach((w, i) => assert.deepEqual(w, cpu[i], `op ${i}`));
  });
}

Deno.test("Max over the last axis on wasm equals cpu (keepDims or not, other axes, NaN rows)", async () => {
  const ops = () => {
    const x = randTensor([3, 5, 8], 53), y = randTensor([6, 12], 54), z = randTensor([4, 6], 55);
    const withNaN = tf.concat([tf.tensor2d([[1, NaN, 2, 3]]), randTensor([2, 4], 56)]);
    return [
      tf.max(x, -1),
      tf.max(x, 2, true),
      tf.max(y, 1),
      tf.max(z, -1),
      tf.max(x, 1),
      tf.max(withNaN, -1),
    ];
  };
  const cpu = await onBackend("cpu", ops), wasm = await onBackend("wasm", ops);
  wasm.forEach((w, i) => assert.deepEqual(w, cpu[i], `case ${i}`));
  assert.ok(Number.isNaN(wasm[5][0]));
});

Deno.test("the softmax cross entropy and its gradient on wasm agree with cpu", async () => {
  const loss = () => {
    const logits = randTensor([2, 6, 6, 8], 57, 0.3),
      labels = tf.oneHot(
        tf.tensor3d(
          Array.from({ length: 72 }, (_, i) => (i * 5) % 8),
          [2, 6, 6],
          "int32",
        ),
        8,
      );
    const f = (l: tf.Tensor) => tf.losses.softmaxCrossEntropy(labels, l);
    return [f(logits), tf.grad(f)(logits)];
  };
  const cpu = await onBackend("cpu", loss), wasm = await onBackend("wasm", loss);
  for (let i = 0; i < 2; i++) {
    const scale = Math.max(...cpu[i].map(Math.abs));
    cpu[i].forEach((v, j) => assert.ok(Math.abs(wasm[i][j] - v) <= 2e-6 * scale + 1e-9, `output ${i}[${j}]`));
  }
});
