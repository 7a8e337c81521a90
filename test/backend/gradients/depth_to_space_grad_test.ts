/** seglab's `DepthToSpace` gradient (missing in tfjs-core), on cpu and wasm. */
import { tf } from "../../../lib/mod.ts";
import { testOnBackends } from "../../support/backends.ts";
import { assertAllClose } from "../../support/assert_close.ts";
import { rand, randTensor } from "../_compare.ts";
import { movementGradient } from "./_movement.ts";

for (const [shape, b] of [[[2, 3, 4, 8], 2], [[1, 2, 3, 18], 3]] as [number[], number][]) {
  testOnBackends(`depthToSpace gradient: ${shape} block ${b}`, () => {
    const x = randTensor(shape, 97);
    const f = (a: tf.Tensor) => tf.depthToSpace(a as tf.Tensor4D, b, "NHWC");
    const y = tf.tidy(() => f(x));
    const r = rand(y.size, 98);
    const g = tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(tf.mul(f(a), tf.tensor(r, y.shape))))(x));
    assertAllClose(g.dataSync(), movementGradient(f, shape, r), 1e-6, 1e-6, "depthToSpace");
    tf.dispose([x, y, g]);
  });
}
