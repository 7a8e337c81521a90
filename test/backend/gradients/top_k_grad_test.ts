/** seglab's `TopK` gradient (missing in tfjs-core), on cpu and wasm. */
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { assertAllClose } from "../../support/assert_close.ts";
import { rand, randTensor } from "../_compare.ts";

for (const [shape, k] of [[[10], 3], [[3, 4, 9], 4], [[5, 7], 7]] as [number[], number][]) {
  testOnBackends(`topk values gradient: shape ${shape}, k ${k}`, () => {
    const x = randTensor(shape, 91);
    const n = shape[shape.length - 1];
    const f = (a: tf.Tensor) => tf.topk(a, k).values;
    const r = rand(x.size / n * k, 92);
    const g = tf.tidy(() =>
      tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), tf.tensor(r, [...shape.slice(0, -1), k]))))(x)
    );
    // Reference: where each selected value sits (same ordering as topk of x itself).
    const idx = tf.tidy(() => tf.topk(x, k).indices.dataSync());
    const ref = new Float64Array(x.size);
    for (let j = 0; j < idx.length; j++) ref[Math.floor(j / k) * n + idx[j]] += r[j];
    assertAllClose(g.dataSync(), ref, 1e-6, 1e-6, "topk gradient");
    tf.dispose([x, g]);
  });
}
