/** seglab's one-pass ReLU gradient (wasm and cpu), which keeps the ReLU's output. */
import assert from "node:assert/strict";
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";

testOnBackends("the one-pass ReLU gradient matches step(x)·dy, zero at x = 0 and −0", () => {
  const x = tf.tensor1d([-2, -0, 0, 1e-30, 3, -1e-30, 5]);
  const dy = tf.tensor1d([1, 2, 3, 4, 5, 6, 7]);
  const g = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dy)))(x));
  assert.deepEqual(Array.from(g.dataSync()), [0, 0, 0, 4, 5, 0, 7]);
  tf.dispose([x, dy, g]);
});
