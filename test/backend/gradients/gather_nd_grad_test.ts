/** seglab's `GatherNd` gradient (missing in tfjs-core), on cpu and wasm; repeated indices add. */
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { assertAllClose } from "../../support/assert_close.ts";
import { rand, randTensor } from "../_compare.ts";
import { movementGradient } from "./_movement.ts";

const CASES: [string, number[], number[][], number[]][] = [
  ["full index, repeated", [4, 5], [[0, 1], [3, 4], [0, 1], [2, 2]], [4, 2]],
  ["row slices", [4, 3, 2], [[1], [3], [1]], [3, 1]],
  ["batched", [3, 4, 2], [[0, 1], [2, 3], [1, 0], [0, 1], [2, 2], [1, 1]], [3, 2, 2]],
];
for (const [name, shape, idx, idxShape] of CASES) {
  testOnBackends(`gatherND gradient: ${name}`, () => {
    const x = randTensor(shape, 95);
    const indices = tf.tensor(idx.flat(), idxShape, "int32");
    const f = (a: tf.Tensor) => tf.gatherND(a, indices);
    const y = tf.tidy(() => f(x));
    const r = rand(y.size, 96);
    const g = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), tf.tensor(r, y.shape))))(x));
    assertAllClose(g.dataSync(), movementGradient(f, shape, r), 1e-6, 1e-6, name);
    tf.dispose([x, indices, y, g]);
  });
}
